"""The two tasks of the review workflow: the automatic quality check, then federal approval."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask, Task


class QualityCheckTask(Task):
    """Approves or rejects itself the moment it starts, from the page's quality report.

    A page with any unmet "must" rule goes back to its editor; the task state's comment lists
    the unmet rules, so the editor sees them in the page's workflow history and notifications.
    """

    def start(self, workflow_state, user=None):
        from constructor.review.quality import score_page

        task_state = super().start(workflow_state, user=user)
        page = workflow_state.content_object.specific
        report = score_page(page.get_latest_revision_as_object())
        QualityCheckResult.objects.update_or_create(
            revision=task_state.revision,
            defaults={
                "score": report.score,
                "must_failures": len(report.must_failures),
                "should_failures": len(report.failed) - len(report.must_failures),
            },
        )
        if report.passes_review:
            task_state.approve(user=None, update=False, comment=quality_summary(report))
        else:
            task_state.reject(user=None, update=False, comment=quality_summary(report))
        return task_state

    @classmethod
    def get_description(cls):
        return _("Checks the page against the quality standards; any unmet must rule sends it back")

    class Meta:
        verbose_name = _("quality check task")
        verbose_name_plural = _("quality check tasks")


def quality_summary(report):
    lines = [gettext("Quality score: %(score)s%%") % {"score": report.score}]
    for result in report.failed:
        for problem in result.problems:
            lines.append(f"{result.rule.title}: {problem.message}")
    return "\n".join(lines)


def refusal_summary(refusal):
    lines = [gettext("The page cannot be published: fix these errors and submit it again.")]
    lines += [f"— {message}" for message in refusal.messages]
    return "\n".join(lines)


class RejectionReasonForm(TaskStateCommentForm):
    """Rejecting needs a reason: the editor must learn what to change."""

    comment = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        error_messages={"required": _("Give the reason for sending the page back.")},
    )


class FederalReviewTask(AbstractGroupApprovalTask):
    """Wagtail's group approval, with a required reason when changes are requested.

    Approval publishes the page's latest revision (``finish.publish_approved``), and the publish
    gate refuses a revision whose form or agency mapping has errors (e.g. the agency's schema
    changed while the page waited). Refused inside the approval, it would undo the approval
    with an error page; so an approval the gate would refuse sends the page back to its editor
    instead, with what the check found as the comment (history and Wagtail's e-mail).
    """

    def get_form_for_action(self, action):
        if action == "reject":
            return RejectionReasonForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        from constructor.services.models import ServicePage
        from constructor.services.publish_gate import publish_refusal

        page = task_state.workflow_state.content_object.specific
        if action_name == "approve" and isinstance(page, ServicePage):
            refusal = publish_refusal(page.get_latest_revision_as_object())
            if refusal is not None:
                task_state.reject(user=user, comment=refusal_summary(refusal))
                return None
        return super().on_action(task_state, user, action_name, **kwargs)

    class Meta:
        verbose_name = _("federal review task")
        verbose_name_plural = _("federal review tasks")


class QualityCheckResult(models.Model):
    """The quality check's verdict on one revision: the reviewer queue shows it, not rescoring."""

    revision = models.OneToOneField(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        on_delete=models.CASCADE,
        related_name="quality_check",
    )
    score = models.PositiveSmallIntegerField(_("quality score"))
    must_failures = models.PositiveSmallIntegerField(_("unmet mandatory rules"), default=0)
    should_failures = models.PositiveSmallIntegerField(_("unmet recommended rules"), default=0)
    checked_at = models.DateTimeField(_("checked at"), auto_now=True)

    class Meta:
        verbose_name = _("quality check result")
        verbose_name_plural = _("quality check results")

    def __str__(self):
        return f"{self.revision_id}: {self.score}"


class Pilot(models.Model):
    """A service live only for those holding its pilot link, until a reviewer promotes it."""

    page = models.OneToOneField(
        "services.ServicePage",
        verbose_name=_("service page"),
        on_delete=models.CASCADE,
        related_name="pilot",
    )
    token = models.CharField(_("pilot link token"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    promoted_at = models.DateTimeField(_("opened to everyone at"), null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened to everyone by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")

    def __str__(self):
        return f"{self.page_id}: {'pilot' if self.active else 'promoted'}"

    @property
    def active(self):
        return self.promoted_at is None
