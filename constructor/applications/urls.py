"""Citizen URLs, under /apply/ on the region's own site (see constructor/urls.py)."""

from django.urls import path

from constructor.applications import status_views, views

app_name = "applications"

urlpatterns = [
    path("resume/<str:token>/", views.resume, name="resume"),
    path("<str:service>/", views.start, name="start"),
    path("<str:service>/step/<slug:step>/", views.step, name="step"),
    path("<str:service>/check/", views.check_answers, name="check"),
    path("<str:service>/restart/", views.restart, name="restart"),
    path("<str:service>/submitted/<str:number>/", views.receipt, name="receipt"),
    # After the service patterns: a token never equals "check" or "restart".
    path("status/<str:token>/", status_views.status, name="status"),
    path("status/<str:token>/renew/", status_views.renew_status_link, name="status_renew"),
]
