"""Moving an application through its statuses: the one place that changes ``Application.status``.

The state machine (DOMAIN.md)::

    submitted -> delivered -> accepted -> in_progress <-> info_needed
    accepted | in_progress -> approved | refused;  approved -> completed

An agency may skip intermediate states forward (its "accepted" can overtake our delivery
worker's "delivered"; "accepted" may go straight to "approved"). A "delivered" that arrives
after a later status is kept as an event without moving the status back. Going backwards or
out of a final status is impossible (``TransitionNotAllowed``, HTTP 409).

Every change locks the application row (``select_for_update``) inside its own transaction, so
concurrent callbacks serialise; an ``event_key`` seen before is a replay and records nothing.
The citizen is notified after the transaction commits (notifications.py).
"""

import logging

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from constructor.applications.models import Application, ApplicationEvent, ApplicationStatus

logger = logging.getLogger(__name__)
S = ApplicationStatus

# Where each status may go. Forward skips are allowed where an agency plausibly jumps ahead.
TRANSITIONS = {
    S.SUBMITTED: {S.DELIVERED, S.ACCEPTED, S.IN_PROGRESS, S.INFO_NEEDED, S.APPROVED, S.REFUSED},
    S.DELIVERED: {S.ACCEPTED, S.IN_PROGRESS, S.INFO_NEEDED, S.APPROVED, S.REFUSED},
    S.ACCEPTED: {S.IN_PROGRESS, S.INFO_NEEDED, S.APPROVED, S.REFUSED},
    S.IN_PROGRESS: {S.INFO_NEEDED, S.APPROVED, S.REFUSED},
    S.INFO_NEEDED: {S.IN_PROGRESS, S.APPROVED, S.REFUSED},
    S.APPROVED: {S.COMPLETED},
    S.REFUSED: set(),
    S.COMPLETED: set(),
}

# Statuses later than "delivered": a "delivered" arriving then is kept, the status stays.
AFTER_DELIVERY = {S.ACCEPTED, S.IN_PROGRESS, S.INFO_NEEDED, S.APPROVED, S.REFUSED, S.COMPLETED}

# Statuses an agency may report through the callback API.
AGENCY_STATUSES = (S.ACCEPTED, S.IN_PROGRESS, S.INFO_NEEDED, S.APPROVED, S.REFUSED, S.COMPLETED)

NEEDS_MESSAGE = {S.REFUSED, S.INFO_NEEDED}

_url_validator = URLValidator(schemes=["http", "https"])


class InvalidStatusChange(ValueError):
    """The request itself is malformed (unknown status, missing reason, bad link): HTTP 400.

    ``field`` names the part of the request at fault, so the API's answer can point at it.
    """

    def __init__(self, message, field=""):
        self.field = field
        super().__init__(message)


class TransitionNotAllowed(Exception):
    """The application cannot move from its current status to the requested one: HTTP 409."""

    def __init__(self, status_from, status_to):
        self.status_from = status_from
        self.status_to = status_to
        super().__init__(f"{status_from} -> {status_to} is not allowed")


def validate_change(status, message="", document_url=""):
    """Check the shape of a requested change; returns the status as an ApplicationStatus."""
    try:
        status = S(status)
    except ValueError:
        raise InvalidStatusChange(
            _("Unknown status: %(status)s.") % {"status": status}, "status"
        ) from None
    if status in (S.DRAFT, S.SUBMITTED):
        raise InvalidStatusChange(_("Unknown status: %(status)s.") % {"status": status}, "status")
    if status in NEEDS_MESSAGE and not (message or "").strip():
        raise InvalidStatusChange(_("This status needs a message explaining it."), "message")
    if document_url:
        try:
            _url_validator(document_url)
        except ValidationError:
            raise InvalidStatusChange(
                _("The document link is not a valid web address."), "document_url"
            ) from None
    return status


def record_status(application, status, *, actor, message="", document_url="", event_key=""):
    """Record ``status`` for ``application``; the new event, or None when nothing was recorded.

    None means a replay (the same ``event_key`` again) or no change (the status it already
    has). Raises ``InvalidStatusChange`` for a malformed request and ``TransitionNotAllowed``
    for an impossible move.
    """
    status = validate_change(status, message, document_url)
    message = (message or "").strip()
    event_key = (event_key or "").strip()
    pk = application.pk if isinstance(application, Application) else application
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=pk)
            if event_key and locked.events.filter(event_key=event_key).exists():
                return None
            current = S(locked.status)
            if status == current:
                return None
            # Late news of our own delivery: kept on the timeline, the status stays.
            late = status == S.DELIVERED and current in AFTER_DELIVERY
            if late and locked.events.filter(status_to=S.DELIVERED).exists():
                return None
            if not late and status not in TRANSITIONS.get(current, ()):
                raise TransitionNotAllowed(current, status)
            event = ApplicationEvent.objects.create(
                application=locked,
                status_from=current,
                status_to=status,
                actor=actor,
                message=message,
                document_url=document_url,
                event_key=event_key,
            )
            if late:
                return event
            locked.status = status
            locked.save(update_fields=["status"])
            if isinstance(application, Application):
                application.status = status
            event_id = event.pk
            transaction.on_commit(lambda: _notify(event_id), robust=True)
            return event
    except IntegrityError:
        # Two requests with the same key raced past the check: the other one won.
        if (
            event_key
            and ApplicationEvent.objects.filter(application_id=pk, event_key=event_key).exists()
        ):
            return None
        raise


def _notify(event_id):
    from constructor.applications.notifications import notify_status_change

    notify_status_change(event_id)


def timeline(application):
    """The citizen-facing history: sending, then every recorded status event, oldest first.

    Delivery attempts and their failures live elsewhere (integrations) and never appear here.
    """
    entries = [
        {
            "at": application.submitted_at,
            "status": S.SUBMITTED,
            "label": S.SUBMITTED.label,
            "message": "",
            "document_url": "",
            "actor": ApplicationEvent.Actor.CITIZEN.label,
            "current": False,
        }
    ]
    for event in application.events.all():
        entries.append(
            {
                "at": event.created_at,
                "status": event.status_to,
                "label": S(event.status_to).label,
                "message": event.message,
                "document_url": event.document_url,
                "actor": event.actor_label(),
                "current": False,
            }
        )
    for entry in reversed(entries):
        if entry["status"] == application.status:
            entry["current"] = True
            break
    return entries


def record_delivered(sender, application_id, **kwargs):
    """``delivered`` (integrations' delivery): the application moves to «delivered».

    Inside the transaction that records the attempt. A move the history refuses leaves the
    delivery standing; the log says why.
    """
    try:
        record_status(application_id, "delivered", actor="system")
    except Exception:
        logger.warning("Application %s: not moved to delivered", application_id, exc_info=True)
