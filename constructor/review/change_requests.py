"""What the review asked an editor to change, shown to the editor until they submit again.

Wagtail keeps the reason as the comment of the rejected task state and shows it only deep in
the page's workflow history, so an editor saw «На доработке» and no reason. A page waits for
its editor while its workflow state "needs changes", and that state's current task state is the
rejected one: its comment, who finished it (nobody for the automatic quality check) and when.
Submitting again puts the state back in progress, so the request leaves the editor's screens
by itself and stays in the workflow history.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Page, WorkflowState


@dataclass(frozen=True)
class ChangeRequest:
    reason: str
    requested_by: AbstractBaseUser | None
    requested_at: datetime
    task_name: str

    @property
    def author(self):
        """Who asked: the reviewer by name, or the automatic check by its task's name."""
        if self.requested_by is None:
            return self.task_name
        return get_user_display_name(self.requested_by)


def open_change_requests(page_ids):
    """``{page id: ChangeRequest}`` for the pages among ``page_ids`` waiting for their editor."""
    states = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in page_ids],
        status=WorkflowState.STATUS_NEEDS_CHANGES,
        current_task_state__isnull=False,
    ).select_related("current_task_state__finished_by", "current_task_state__task")
    requests = {}
    for state in states:
        task_state = state.current_task_state
        requests[int(state.object_id)] = ChangeRequest(
            reason=task_state.comment,
            requested_by=task_state.finished_by,
            requested_at=task_state.finished_at or task_state.started_at,
            task_name=task_state.task.name,
        )
    return requests


def open_change_request(page):
    """The page's open change request, or None (also for a page not saved yet)."""
    if page is None or page.pk is None:
        return None
    return open_change_requests([page.pk]).get(page.pk)
