"""What happens when a service page passes review (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

Imported by Wagtail while its models load: this module imports nothing at the top.
"""


def publish_approved(workflow_state, user=None):
    """The workflow's finish action: the federal approval is the permission to publish.

    Wagtail's default publishes as the approving user and checks their publish permission;
    reviewers have none in the page tree (they approve, they do not edit), so the check is
    the workflow itself. The publish gate still applies (``services.publish_gate``);
    ``FederalReviewTask`` sends back a page it would refuse before the approval gets here.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
