"""The one message a federal reviewer gets after approving a page or requesting changes.

Deciding from the page editor, Wagtail said «Page updated» (green) and then sent the reviewer
to the region's explorer, which they may not open («no access», red): two banners, neither
about the decision. Deciding from the dashboard said nothing. Both paths now say what became
of the page (``ServicePageViewSet`` uses this), and the editor sends the reviewer on to the
review queue, which they can always open.
"""

from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.models import TaskState


def tell_decision(request, task_state, action_name):
    """Say what the decision on ``task_state`` did; False if none was made (an invalid form)."""
    task_state.refresh_from_db()
    if task_state.status not in (TaskState.STATUS_APPROVED, TaskState.STATUS_REJECTED):
        return False
    page = task_state.workflow_state.content_object
    title = {"title": page.get_admin_display_title()}
    if task_state.status == TaskState.STATUS_APPROVED and page.live:
        messages.success(request, _("«%(title)s» is approved and published.") % title)
    elif task_state.status == TaskState.STATUS_APPROVED:
        messages.success(
            request, _("«%(title)s» is approved: it will be published as scheduled.") % title
        )
    elif action_name == "approve":
        # FederalReviewTask sent it back instead: the publish gate would refuse it.
        messages.error(
            request,
            _(
                "«%(title)s» cannot be published: its form or agency mapping has errors. "
                "It went back to its editor with what the check found."
            )
            % title,
        )
    else:
        messages.success(
            request,
            _(
                "«%(title)s» went back to its editor with your reason. "
                "It returns to the review queue when they submit it again."
            )
            % title,
        )
    return True
