"""Admin views of the payload mapping: chooser options and the page's mapping report.

Both see only a page the user may edit (invariant 6: an official acts inside their region);
the report is also open to federal staff, who review every region.
"""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from constructor.services.mapping import (
    errors,
    live_mapping_report,
    page_problems,
    stream_data,
    warnings,
)
from constructor.services.models import ServicePage


def _service_page(page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, ServicePage):
        raise PermissionDenied
    return page


def _can_edit(page, user):
    return page.permissions_for_user(user).can_edit()


def may_see_mapping_report(page, user):
    """Editors of the page, and federal staff who review it."""
    from sites.permissions import is_federal_staff

    return _can_edit(page, user) or is_federal_staff(user)


def mapping_options(request, page_id):
    """``{"targets": [...], "sources": [...]}`` for the choosers of the mapping editor.

    Targets come from the integration named in ``?integration=`` (the one picked in the editor,
    maybe not saved yet), else from the saved one; sources from the latest saved form.
    """
    from constructor.formbuilder.compiler import compile_form
    from constructor.integrations.models import Integration
    from constructor.integrations.proof.targets import source_choices, target_choices

    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, ServicePage) or not _can_edit(page, request.user):
        return JsonResponse({"detail": _("You cannot edit this page.")}, status=403)
    latest = page.get_latest_revision_as_object()
    wanted = request.GET.get("integration", "")
    if wanted.isdigit():
        integration = Integration.objects.filter(pk=int(wanted)).first()
    elif "integration" in request.GET:
        integration = None  # the editor cleared the choice
    else:
        integration = latest.integration
    targets = target_choices(integration.payload_schema) if integration is not None else []
    sources = source_choices(compile_form(stream_data(latest.application_form)))
    return JsonResponse(
        {
            "integration": integration.pk if integration is not None else None,
            "targets": list(targets),
            "sources": list(sources),
        },
        json_dumps_params={"ensure_ascii": False},
    )


class MappingReportView(WagtailAdminTemplateMixin, TemplateView):
    """The mapping check of a service page: its latest version and its published one."""

    template_name = "services/mapping_report.html"
    page_title = gettext_lazy("Agency delivery check")
    header_icon = "link"

    def dispatch(self, request, page_id):
        self.page = _service_page(page_id)
        if not may_see_mapping_report(self.page, request.user):
            raise PermissionDenied
        return super().dispatch(request)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_header_title(self):
        return f"{self.page_title}: {self.get_page_subtitle()}"

    def get_breadcrumbs_items(self):
        # Home › the service page (back to its editor) › this check; Wagtail's default shows
        # only "Home", so the official could not tell which page the report is about.
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
                "label": self.page.get_admin_display_title(),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = self.page.get_latest_revision_as_object()
        problems = page_problems(latest)
        context.update(
            page=self.page,
            latest=latest,
            problems=problems,
            error_count=len(errors(problems)),
            warning_count=len(warnings(problems)),
            live_report=live_mapping_report(self.page) if self.page.live else None,
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
            public_url=(self.page.url + "mapping-report.json") if self.page.live else None,
        )
        return context
