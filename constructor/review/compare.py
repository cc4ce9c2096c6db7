"""The comparisons a federal reviewer reads: what changed, or for a new service, all of it.

Two doors lead to them. ``review_compare`` (the review queue's link) compares the live version
with the one awaiting review. Wagtail's own comparison URL (the dashboard's «Compare with
previous version», the workflow history) serves ``ServicePageCompareView`` for service pages,
because Wagtail's view first asks for a permission on some page, and reviewers have none: they
reach a page only through its review task, which the page permission check accepts.

A page that was never published has no live version to compare with, and Wagtail then compares
the page with itself and finds nothing. Both views compare it with an empty page of its type
instead, so every field and block with content shows as added, the way a comparison shows
added content anywhere else.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail.admin.views.generic.models import RevisionsCompareView
from wagtail.admin.views.pages.revisions import RevisionsCompareView as PageRevisionsCompareView
from wagtail.models import Page

from constructor.review.models import FederalReviewTask
from constructor.review.workflow import is_federal_reviewer


def empty_page_like(page):
    """A page of the same type with nothing in it: the baseline of a never-published page.

    Text fields with a default (the service level) are emptied as well, so the page's value
    shows as added, not as a change from a default nobody chose.
    """
    empty = type(page)()
    for field in type(page)._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)) and field.has_default():
            setattr(empty, field.attname, "")
    return empty


class ReviewComparisonMixin:
    """A never-published page's "live" is an empty page; and the preview link, where it works."""

    template_name = "review/compare.html"

    @property
    def never_published(self):
        return self.revision_id_a == "live" and not self.object.live

    def _get_revision_and_heading(self, revision_id):
        if revision_id == "live" and self.never_published:
            return empty_page_like(self.object), gettext_lazy("Never published")
        return super()._get_revision_and_heading(revision_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.object.current_workflow_task
        preview_url = ""
        if task is not None and task.specific.get_actions(self.object, self.request.user):
            preview_url = reverse(
                "wagtailadmin_pages:workflow_preview", args=[self.object.pk, task.pk]
            )
        context.update({"never_published": self.never_published, "preview_url": preview_url})
        return context


class ServicePageCompareView(ReviewComparisonMixin, PageRevisionsCompareView):
    """Wagtail's comparison of two versions of a service page, open to its reviewers too."""

    def dispatch(self, request, *args, **kwargs):
        # Skips Wagtail's "any page permission" gate: ``get_object`` (run by ``setup``, before
        # this) has let through only users who may edit or publish this very page, and a
        # reviewer may edit it while its review task waits for them.
        return super(PageRevisionsCompareView, self).dispatch(request, *args, **kwargs)


class ReviewCompareView(ReviewComparisonMixin, RevisionsCompareView):
    """What changed since the live version, for the federal reviewer of a page awaiting review.

    Allowed to the reviewers while the page waits in the federal approval task, and compares
    the live version with the latest revision: the revision that approval publishes.
    """

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["live_revision"] = self.object.live_revision if self.object.live else None
        return context
