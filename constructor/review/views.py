"""Admin views of the review: the reviewers' queue and the pilot actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views.generic.models import RevisionsCompareView
from wagtail.models import Page

from constructor.review import pilot
from constructor.review.models import FederalReviewTask, Pilot
from constructor.review.queue import review_queue
from constructor.review.workflow import is_federal_reviewer
from constructor.services.models import ServicePage


def queue(request):
    if not is_federal_reviewer(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "review/queue.html",
        {
            "items": review_queue(),
            "page_title": _("Review queue"),
            "header_title": _("Review queue"),
            "header_icon": "tasks",
        },
    )


def pilot_view(request, page_id):
    """A reviewer starts a pilot (live for link holders only) or promotes it to everyone."""
    if not is_federal_reviewer(request.user):
        raise PermissionDenied
    page = get_object_or_404(ServicePage, pk=page_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            pilot.start_pilot(page, request.user)
            messages.success(
                request,
                _("«%(title)s» is a pilot now: only the pilot link opens it.")
                % {"title": page.title},
            )
        elif action == "promote" and pilot.promote_pilot(page, request.user):
            messages.success(
                request, _("«%(title)s» is open to everyone now.") % {"title": page.title}
            )
        else:
            messages.error(request, _("This service is not a pilot."))
        return redirect(reverse("review_pilot", args=[page.pk]))
    current = Pilot.objects.filter(page=page).first()
    return TemplateResponse(
        request,
        "review/pilot.html",
        {
            "service": page,
            "pilot": current,
            "pilot_url": pilot.pilot_url(current) if current and current.active else "",
            "page_title": _("Pilot"),
            "header_title": _("Pilot: %(title)s") % {"title": page.title},
            "header_icon": "rocket",
        },
    )


class ReviewCompareView(RevisionsCompareView):
    """What changed since the live version, for the federal reviewer of a page awaiting review.

    Wagtail's own comparison (``wagtailadmin_pages:revisions_compare``) wants a page
    permission, and reviewers have none. This is the same view and comparison, allowed
    instead to the reviewers while the page waits in the federal approval task. It compares
    the live revision with the latest one: the revision that approval publishes.
    """

    template_name = "review/compare.html"
    edit_url_name = "wagtailadmin_pages:edit"
    header_icon = "doc-empty-inverse"
    page_title = gettext_lazy("Changes since the live version")

    def setup(self, request, page_id, *args, **kwargs):
        super().setup(request, page_id, "live", "latest", *args, **kwargs)

    def get_object(self, queryset=None):
        if not is_federal_reviewer(self.request.user):
            raise PermissionDenied
        page = get_object_or_404(Page, pk=self.pk).specific
        task = page.current_workflow_task
        if task is None or not isinstance(task.specific, FederalReviewTask):
            raise PermissionDenied
        return page

    def get_edit_handler(self):
        return self.object.get_edit_handler()

    def get_page_subtitle(self):
        return self.object.get_admin_display_title()

    @cached_property
    def task_state(self):
        return self.object.current_workflow_state.current_task_state

    def get_context_data(self, **kwargs):
        live_revision = self.object.live_revision if self.object.live else None
        if live_revision is not None:
            self.revision_id_a = live_revision.pk
        context = super(RevisionsCompareView, self).get_context_data(**kwargs)
        revision_b, _heading = self._get_revision_and_heading("latest")
        if live_revision is None:
            revision_a, comparison = None, []
        else:
            revision_a = live_revision.as_object()
            comparison = self._get_comparison(revision_a, revision_b)
        context.update(
            {
                "object": self.object,
                "revision_a": revision_a,
                "revision_b": revision_b,
                "live_revision": live_revision,
                "comparison": comparison,
                "preview_url": reverse(
                    "wagtailadmin_pages:workflow_preview",
                    args=[self.object.pk, self.task_state.task_id],
                ),
            }
        )
        return context
