"""The reviewer queue: pages awaiting federal approval in every region.

Built with a fixed number of queries whatever the queue's length (``benchmarks/quality.py``
checks it): the task states with their workflow state and revision, then the pages, the regions
and the stored quality results, each in one query, joined here in Python.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from wagtail.models import Page, TaskState

from constructor.review.models import FederalReviewTask, QualityCheckResult
from sites.models import Region


@dataclass
class QueueItem:
    page: Page
    region: Region | None
    task_state: TaskState
    score: int | None
    must_failures: int | None
    submitted_at: datetime
    waiting: timedelta


def region_of(page, regions):
    return next((r for r in regions if page.path.startswith(r.site.root_page.path)), None)


def review_queue(now=None):
    """Every page waiting for a federal reviewer, longest waiting first."""
    now = now or timezone.now()
    task_states = list(
        TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            task__in=FederalReviewTask.objects.values("pk"),
        )
        .select_related("workflow_state")
        .order_by("started_at", "pk")
    )
    page_ids = {int(state.workflow_state.object_id) for state in task_states}
    pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).order_by()}
    regions = list(Region.objects.select_related("site__root_page"))
    results = {
        result.revision_id: result
        for result in QualityCheckResult.objects.filter(
            revision_id__in=[state.revision_id for state in task_states]
        )
    }
    items = []
    for state in task_states:
        page = pages.get(int(state.workflow_state.object_id))
        if page is None:
            continue
        result = results.get(state.revision_id)
        items.append(
            QueueItem(
                page=page,
                region=region_of(page, regions),
                task_state=state,
                score=result.score if result else None,
                must_failures=result.must_failures if result else None,
                submitted_at=state.started_at,
                waiting=now - state.started_at,
            )
        )
    return items
