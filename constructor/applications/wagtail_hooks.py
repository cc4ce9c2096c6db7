"""The "Applications" admin section: officials see their region's applications."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from constructor.applications import admin_views


@hooks.register("register_admin_urls")
def register_application_urls():
    return [
        path("applications/", admin_views.index, name="applications_admin_index"),
        path("applications/export.csv", admin_views.export_csv, name="applications_admin_export"),
        path(
            "applications/export.xlsx",
            admin_views.export_xlsx,
            name="applications_admin_export_xlsx",
        ),
        path("applications/<str:number>/", admin_views.detail, name="applications_admin_detail"),
        path(
            "applications/<str:number>/files/<uuid:file_id>/",
            admin_views.download_file,
            name="applications_admin_file",
        ),
    ]


class ApplicationsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see_applications(request.user)


@hooks.register("register_admin_menu_item")
def register_applications_menu_item():
    return ApplicationsMenuItem(
        _("Applications"), reverse("applications_admin_index"), icon_name="form", order=250
    )
