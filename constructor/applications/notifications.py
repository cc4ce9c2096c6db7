"""E-mails to the citizen: a status change that matters to them, and a new status link.

The address is the citizen's own answer: the first non-empty answer of an ``email`` question,
in the form's order. No address, no e-mail. Mail is sent after the status change commits
(statuses.record_status schedules it with ``transaction.on_commit``), so a rolled back change
never tells the citizen anything; a failure to send is logged and never undoes the change.
Every e-mail carries a fresh status link and says until when it works (status_links.py).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from constructor.applications.models import ApplicationEvent, ApplicationStatus
from constructor.applications.status_links import link_expires_at, status_url

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
    return send(application, address, subject, body)


def send_status_link(application, address):
    """E-mail a new status link to the application's own address; True when it went out."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose_status_link(application)
    return send(application, address, subject, body)


def send(application, address, subject, body):
    try:
        send_mail(subject, body, None, [address])
    except Exception as error:  # a mail server outage must not break the caller
        # The type only: smtplib's refusals carry the citizen's address in their text.
        logger.error(
            "Could not e-mail the citizen about application %s (%s)",
            application.number,
            type(error).__name__,
        )
        return False
    return True


def masked_email(address):
    """Enough of an address for its owner to recognise it: ``a***@e***.ru``."""
    local, _at, domain = address.rpartition("@")
    name, dot, zone = domain.rpartition(".")
    if not dot:
        name, zone = domain, ""
    masked_domain = f"{name[:1]}***{dot}{zone}" if name else domain
    return f"{local[:1]}***@{masked_domain}"


def link_lines(application):
    """The fresh status link and until when it works, as the last lines of every e-mail."""
    expires = link_expires_at()
    return [
        _("Follow your application: %(url)s") % {"url": status_url(application)},
        _("The link works until %(date)s.")
        % {"date": date_format(timezone.localtime(expires), "d.m.Y H:i")},
        "",
        _("This message was sent automatically. Please do not reply to it."),
    ]


def compose(event):
    """The subject and plain-text body of the e-mail about ``event``."""
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
    lines += ["", *link_lines(application)]
    return subject, "\n".join(lines) + "\n"


def compose_status_link(application):
    """The subject and plain-text body of the e-mail with a new status link."""
    subject = _("Application %(number)s: a new link to its page") % {"number": application.number}
    lines = [
        _("Hello!"),
        "",
        _(
            "A new link to the page of your application %(number)s for the service "
            "«%(service)s» was requested."
        )
        % {"number": application.number, "service": application.page.title},
        _(
            "If it was not you, ignore this message: only someone who can read your e-mail "
            "can use the new link."
        ),
        "",
        *link_lines(application),
    ]
    return subject, "\n".join(lines) + "\n"
