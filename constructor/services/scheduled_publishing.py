"""A scheduled go-live the publish gate refuses: cancelled, recorded and told to the editor.

``manage.py publish_scheduled`` publishes every due revision in one loop with no one watching;
a refusal raised there would stop the pages after it and reach nobody. So ``ServicePage.publish``
hands it here instead (Wagtail marks these publications with ``SCHEDULED_PUBLISH``).

The schedule is cancelled rather than kept: the refused revision cannot change, so every later
run would refuse it again and mail the editor again. The page stays as it was: a live page keeps
its live version, a draft stays a draft. The refusal goes into the page's history (our log
action, listed in the audit log) and, after the cancellation commits, an e-mail in Russian goes
to the revision's author and the page's owner naming the service and what the check found.
A failure to send is logged and undoes nothing.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.utils import get_admin_base_url
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Revision

logger = logging.getLogger(__name__)

SCHEDULED_PUBLISH = "wagtail.publish.scheduled"  # the log action publish_scheduled passes
REFUSED_ACTION = "services.scheduled_publish_refused"


class RefusedScheduleFormatter(LogFormatter):
    label = gettext_lazy("Scheduled publication refused")

    def format_message(self, log_entry):
        return _("Scheduled publication cancelled: the page does not pass the publishing check.")

    def format_comment(self, log_entry):
        return "\n".join((log_entry.data or {}).get("problems", []))


def when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def cancel_refused_schedule(page, revision, refusal):
    """Cancel the due revision's schedule, log the refusal, and e-mail the editors after commit."""
    go_live_at = revision.approved_go_live_at
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
    revision.approved_go_live_at = None
    problems = [str(message) for message in refusal.messages]
    log(
        instance=page,
        action=REFUSED_ACTION,
        revision=revision,
        data={"go_live_at": go_live_at.isoformat() if go_live_at else None, "problems": problems},
    )
    logger.warning(
        "Scheduled publication of page %s (revision %s) refused by the publish gate",
        page.pk,
        revision.pk,
    )
    transaction.on_commit(lambda: notify_editors(page, revision, go_live_at, problems))


def editors(page, revision):
    """The revision's author and the page's owner: active users with an e-mail address."""
    ids = {revision.user_id, page.owner_id} - {None}
    return list(
        get_user_model().objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("pk")
    )


def compose(page, go_live_at, problems):
    subject = _("Publication of «%(title)s» cancelled") % {"title": page.title}
    lines = [
        _(
            "The publication of the service «%(title)s» (code %(code)s) scheduled for "
            "%(go_live_at)s was cancelled: the page does not pass the publishing check."
        )
        % {"title": page.title, "code": page.service_code, "go_live_at": when(go_live_at)},
        _("The current version of the service stays published.")
        if page.live
        else _("The page stays unpublished."),
        "",
        _("What the check found:"),
        *(f"— {message}" for message in problems),
        "",
        _("Fix these errors in the page editor and schedule the publication again: %(url)s")
        % {"url": get_admin_base_url() + reverse("wagtailadmin_pages:edit", args=[page.pk])},
    ]
    return subject, "\n".join(lines)


def notify_editors(page, revision, go_live_at, problems):
    recipients = [user.email for user in editors(page, revision)]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose(page, go_live_at, problems)
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # the refusal is recorded; a mail outage must not undo it
        logger.exception("Could not e-mail the editors of page %s about the refusal", page.pk)
