"""The "Applications" admin section: officials see their region's applications."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from constructor.applications import admin_views, audit


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


@hooks.register("register_log_actions")
def register_answer_log_actions(actions):
    for action, (label, message) in audit.ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_audit_log_urls():
    return [
        path("audit-log/", audit.AuditLogView.as_view(), name="audit_log"),
        path(
            "audit-log/results/",
            audit.AuditLogView.as_view(results_only=True),
            name="audit_log_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item():
    return MenuItem(
        _("Audit log"), reverse("audit_log"), name="audit-log", icon_name="history", order=990
    )


class ApplicationsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see_applications(request.user)


@hooks.register("register_admin_menu_item")
def register_applications_menu_item():
    return ApplicationsMenuItem(
        _("Applications"), reverse("applications_admin_index"), icon_name="form", order=250
    )
