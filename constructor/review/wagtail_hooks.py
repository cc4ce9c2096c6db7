from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from constructor.review import dashboard, pilot, views
from constructor.review.compare import ReviewCompareView
from constructor.review.page_views import ServicePageViewSet
from constructor.review.workflow import is_federal_reviewer
from constructor.services.models import ServicePage
from sites.permissions import is_federal_staff

# Stored in the audit log by name (constructor.applications.audit shows the log).
LOG_ACTIONS = {
    "review.create_from_standard": (
        _("Create from a registry standard"),
        _("Created from a registry standard"),
    ),
    "review.pilot_start": (_("Start pilot"), _("Pilot started")),
    "review.pilot_promote": (_("Promote pilot"), _("Pilot promoted to general availability")),
}


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_queue_and_pilot_urls():
    return [
        path("review/queue/", views.queue, name="review_queue"),
        path("review/pilot/<int:page_id>/", views.pilot_view, name="review_pilot"),
        path(
            "review/<int:page_id>/compare/",
            ReviewCompareView.as_view(),
            name="review_compare",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_service_page_viewset():
    return ServicePageViewSet("service_pages")


class ReviewerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_federal_reviewer(request.user)


@hooks.register("register_admin_menu_item")
def register_queue_menu_item():
    return ReviewerMenuItem(
        _("Review queue"),
        reverse("review_queue"),
        name="review-queue",
        icon_name="tasks",
        order=150,
    )


@hooks.register("register_page_header_buttons")
def pilot_header_button(page, user, view_name, next_url=None):
    if page.specific_class is ServicePage and page.live and is_federal_reviewer(user):
        yield PageMenuItem(
            _("Pilot"),
            reverse("review_pilot", args=[page.pk]),
            icon_name="rocket",
            priority=62,
            page=page,
        )


@hooks.register("insert_global_admin_css")
def review_admin_css():
    # The change request's banner (page editor) and its lines on the dashboard.
    return format_html('<link rel="stylesheet" href="{}">', static("css/review-admin.css"))


hooks.register("before_serve_page", pilot.serve_pilot)
hooks.register("construct_homepage_panels", dashboard.homepage_panels)


@hooks.register("construct_reports_menu")
def keep_regional_staff_on_the_scoped_audit_log(request, menu_items):
    # Wagtail's site history scopes snippets by model permission, not region: federal only.
    if not is_federal_staff(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


@hooks.register("insert_editor_js")
def quality_panel_js():
    # The quality panel's links open the editor tab that holds what they point at.
    return format_html('<script src="{}" defer></script>', static("js/quality-panel.js"))
