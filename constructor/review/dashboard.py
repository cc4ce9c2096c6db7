"""Admin home panels: an editor's services with state, score and open change requests; the
reviewers' queue."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import WorkflowState

from constructor.review.change_requests import open_change_requests
from constructor.review.models import Pilot, QualityCheckResult
from constructor.review.queue import review_queue
from constructor.review.workflow import is_federal_reviewer
from constructor.services.models import ServicePage
from sites.permissions import regions_for_user

STATE_LABELS = {
    "pilot": _("Pilot"),
    "in_review": _("In review"),
    "needs_changes": _("Changes requested"),
    "live": _("Live"),
    "draft": _("Draft"),
}
MAX_SERVICES = 50


def services_of(user):
    """The services of the user's regions: review state, last checked score, change request."""
    homes = [
        region.site.root_page for region in regions_for_user(user).select_related("site__root_page")
    ]
    if not homes:
        return []
    condition = Q()
    for home in homes:
        condition |= Q(path__startswith=home.path, depth__gt=home.depth)
    pages = list(
        ServicePage.objects.filter(condition).order_by("-latest_revision_created_at")[:MAX_SERVICES]
    )
    ids = [str(page.pk) for page in pages]
    workflow = dict(
        WorkflowState.objects.filter(
            base_content_type__model="page",
            object_id__in=ids,
            status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
        ).values_list("object_id", "status")
    )
    scores = dict(
        QualityCheckResult.objects.filter(
            revision_id__in=[page.latest_revision_id for page in pages]
        ).values_list("revision_id", "score")
    )
    pilots = set(
        Pilot.objects.filter(
            page_id__in=[p.pk for p in pages], promoted_at__isnull=True
        ).values_list("page_id", flat=True)
    )
    change_requests = open_change_requests([page.pk for page in pages])
    rows = []
    for page in pages:
        status = workflow.get(str(page.pk))
        if status == WorkflowState.STATUS_IN_PROGRESS:
            state = "in_review"
        elif status == WorkflowState.STATUS_NEEDS_CHANGES:
            state = "needs_changes"
        elif page.pk in pilots:
            state = "pilot"
        else:
            state = "live" if page.live else "draft"
        rows.append(
            {
                "page": page,
                "state": STATE_LABELS[state],
                "score": scores.get(page.latest_revision_id),
                "change_request": change_requests.get(page.pk),
            }
        )
    return rows


class EditorServicesPanel(Component):
    name = "review_editor_services"
    order = 90
    template_name = "review/dashboard_services.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"rows": services_of(self.user)}


class ReviewQueuePanel(Component):
    name = "review_queue"
    order = 80
    template_name = "review/dashboard_queue.html"

    def get_context_data(self, parent_context=None):
        return {"items": review_queue()}


def homepage_panels(request, panels):
    if is_federal_reviewer(request.user):
        panels.append(ReviewQueuePanel())
    if regions_for_user(request.user).exists() and not request.user.is_superuser:
        panels.append(EditorServicesPanel(request.user))
