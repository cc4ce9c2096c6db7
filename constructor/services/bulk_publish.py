"""The explorer's bulk "Publish", page by page: a page the publish gate refuses spares the others.

Wagtail publishes every selected page (and, if asked, their draft descendants) in one
transaction, so one refusal would undo them all and end in an error page. Here each page is
published in its own savepoint: a refused page stays exactly as it was, the others go live, and
the official reads which page was refused and why beside the count of published pages.
Registered in ``wagtail_hooks`` under Wagtail's own action name, after Wagtail's, so it
replaces it.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction

from constructor.services.publish_gate import PublishRefused


def publish_latest(page, user, refusals):
    """Publish the page's latest revision; 1 when it went live, 0 when the gate refused it."""
    try:
        with transaction.atomic():
            revision = page.get_latest_revision() or page.specific.save_revision(user=user)
            revision.publish(user=user)
    except PublishRefused as refusal:
        refusals.append(refusal)
        return 0
    return 1


class GatedPublishBulkAction(PublishBulkAction):
    def __init__(self, request, model):
        super().__init__(request, model)
        self.refusals = []

    def get_execution_context(self):
        return {**super().get_execution_context(), "refusals": self.refusals}

    @classmethod
    def execute_action(cls, objects, include_descendants=False, user=None, refusals=None, **kw):
        refusals = [] if refusals is None else refusals
        num_parent_objects = num_child_objects = 0
        for page in objects:
            num_parent_objects += publish_latest(page, user, refusals)
            if not include_descendants:
                continue
            drafts = page.get_descendants().not_live().defer_streamfields().specific()
            for descendant in drafts.iterator():
                if user is None or descendant.permissions_for_user(user).can_publish():
                    num_child_objects += publish_latest(descendant, user, refusals)
        return num_parent_objects, num_child_objects

    def get_success_message(self, num_parent_objects, num_child_objects):
        for refusal in self.refusals:
            messages.error(
                self.request,
                _("«%(title)s» was not published: %(problems)s")
                % {"title": refusal.page.title, "problems": " ".join(refusal.messages)},
            )
        if not num_parent_objects and not num_child_objects:
            return None
        return super().get_success_message(num_parent_objects, num_child_objects)
