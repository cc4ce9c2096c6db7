"""E-mails to the citizen when their application's status changes in a way that matters to them.

The address is the citizen's own answer: the first non-empty answer of an ``email`` question,
in the form's order. No address, no e-mail. Mail is sent after the status change commits
(statuses.record_status schedules it with ``transaction.on_commit``), so a rolled back change
never tells the citizen anything; a failure to send is logged and never undoes the change.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from constructor.applications.models import ApplicationEvent, ApplicationStatus

logger = logging.getLogger(__name__)

S = ApplicationStatus

# "delivered" is our own plumbing: the citizen hears from us when the agency answers.
NOTIFY = {S.ACCEPTED, S.INFO_NEEDED, S.APPROVED, S.REFUSED, S.COMPLETED}


def citizen_email(application):
    """The first e-mail address the citizen gave in the form, or ""."""
    answers = application.open_answers(default={}) or {}
    for field in application.form_version.fields():
        if field.get("type") != "email":
            continue
        value = answers.get(field["key"])
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def notify_status_change(event_id):
    """Send the citizen the e-mail about one recorded event; True when a message went out."""
    # Most events ("delivered", after every delivery) tell the citizen nothing: a cheap look
    # at the status first, the page and the form version only for those that do.
    status = ApplicationEvent.objects.filter(pk=event_id).values_list("status_to", flat=True)
    if status.first() not in NOTIFY:
        return False
    event = (
        ApplicationEvent.objects.select_related(
            "application__page", "application__form_version", "application__region"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.status_to not in NOTIFY:
        return False
    application = event.application
    address = citizen_email(application)
    if not address:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose(event)
    try:
        send_mail(subject, body, None, [address])
    except Exception as error:  # a mail server outage must not break the agency's callback
        # The type only: smtplib's refusals carry the citizen's address in their text.
        logger.error(
            "Could not e-mail the citizen about application %s (%s)",
            application.number,
            type(error).__name__,
        )
        return False
    return True


def compose(event):
    """The subject and plain-text body of the e-mail about ``event``."""
    from constructor.applications.statuses import status_url

    application = event.application
    label = S(event.status_to).label
    subject = _("Application %(number)s: %(status)s") % {
        "number": application.number,
        "status": label,
    }
    lines = [
        _("Hello!"),
        "",
        _(
            "The status of your application %(number)s for the service «%(service)s» "
            "has changed: %(status)s."
        )
        % {"number": application.number, "service": application.page.title, "status": label},
        "",
    ]
    status = event.status_to
    if status == S.ACCEPTED:
        lines.append(_("The agency has accepted your application and will consider it."))
    elif status == S.INFO_NEEDED:
        lines += [_("The agency needs more information from you:"), event.message]
    elif status == S.APPROVED:
        lines.append(_("The agency has approved your application."))
    elif status == S.REFUSED:
        lines += [_("The agency has refused your application. Reason:"), event.message]
    elif status == S.COMPLETED:
        lines.append(_("The service has been provided."))
    if event.message and status not in (S.INFO_NEEDED, S.REFUSED):
        lines.append(_("Message from the agency: %(message)s") % {"message": event.message})
    if event.document_url:
        lines += ["", _("Result document: %(url)s") % {"url": event.document_url}]
    lines += [
        "",
        _("Follow your application: %(url)s") % {"url": status_url(application)},
        "",
        _("This message was sent automatically. Please do not reply to it."),
    ]
    return subject, "\n".join(lines) + "\n"
