"""The agency's side channel: ``POST /api/v1/applications/<number>/status`` (docs/INTEGRATION.md).

The request is signed like our deliveries: ``X-Timestamp`` (whole Unix seconds, at most 300 s
away from our clock) and ``X-Signature``, the hex HMAC-SHA256 of ``"<timestamp>.<number>." +
body`` with the secret of the integration the application was delivered to (its
``Delivery``'s); see signing.py.

Unknown numbers and authentication: answering 404 to anybody would let a stranger probe which
application numbers exist, and numbers are sequential. So a number is only confirmed or denied
to a caller who proved they hold *some* integration's secret: a request that no integration's
secret verifies gets 401 whatever the number; a correctly signed request for a number that does
not exist, or that belongs to another integration, gets 404.
"""

import json
import logging

from django.core.exceptions import ObjectDoesNotExist
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from constructor.applications.models import Application
from constructor.applications.statuses import (
    AGENCY_STATUSES,
    NEEDS_MESSAGE,
    InvalidStatusChange,
    TransitionNotAllowed,
    record_status,
)
from constructor.integrations import signing
from constructor.integrations.models import Integration

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_EVENT_ID_LENGTH = 200
MAX_MESSAGE_LENGTH = 4000


def application_integration(application):
    """The integration that speaks for this application: the one its delivery went to.

    Not the page's current integration: an application kept with the officials (no active
    integration when it was sent), or sent before the page changed agency, was never given
    to that agency, which must not move its status.
    """
    try:
        delivery = application.delivery
    except (AttributeError, ObjectDoesNotExist):
        return None
    return delivery.integration


def _all_integrations():
    return list(Integration.objects.all())


def error(status, message, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def unauthorized(request, number, reason):
    logger.warning(
        "Status callback refused (401) for application %s from %s: %s",
        number,
        request.META.get("REMOTE_ADDR", "?"),
        reason,
    )
    return error(401, "The request is not signed by the application's agency.")


@csrf_exempt
@require_POST
def application_status(request, number):
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return error(413, "The body is too large.")
    timestamp = request.headers.get("X-Timestamp", "").strip()
    signature = request.headers.get("X-Signature", "").strip()
    if not timestamp or not signature:
        return unauthorized(request, number, "missing X-Timestamp or X-Signature")
    if not signing.fresh(timestamp):
        return unauthorized(request, number, "X-Timestamp missing, malformed or stale")

    application = (
        Application.objects.select_related("delivery__integration").filter(number=number).first()
    )
    integration = application_integration(application) if application else None
    # The number in the address is signed with the body: a callback captured for one
    # application cannot be replayed against another (signing.py).
    if integration is None or not integration.verify(body, timestamp, signature, number):
        if any(other.verify(body, timestamp, signature, number) for other in _all_integrations()):
            # A genuine agency, but not this application's (or no such application).
            return error(404, "No application with this number for your integration.")
        return unauthorized(request, number, "signature does not match")

    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return error(400, "The body is not valid JSON.")
    if not isinstance(data, dict):
        return error(400, "The body must be a JSON object.")
    problem = body_problem(data)
    if problem:
        return error(400, problem)

    try:
        event = record_status(
            application,
            data["status"],
            actor=f"agency:{integration.code}",
            message=data.get("message") or "",
            document_url=data.get("document_url") or "",
            event_key=data["event_id"],
        )
    except InvalidStatusChange as invalid:
        return error(400, str(invalid))
    except TransitionNotAllowed as refused:
        return error(
            409,
            f"The application cannot move from {refused.status_from!r} to {refused.status_to!r}.",
            current_status=str(refused.status_from),
        )
    application.refresh_from_db(fields=["status"])
    return JsonResponse({"status": application.status, "recorded": event is not None})


def body_problem(data):
    """What is wrong with the JSON body's fields, in English for the agency's developers."""
    event_id = data.get("event_id")
    if not isinstance(event_id, str) or not event_id.strip():
        return "event_id is required: a string unique to this status event."
    if len(event_id) > MAX_EVENT_ID_LENGTH:
        return f"event_id is longer than {MAX_EVENT_ID_LENGTH} characters."
    status = data.get("status")
    allowed = [str(s) for s in AGENCY_STATUSES]
    if status not in allowed:
        return f"status must be one of: {', '.join(allowed)}."
    for name in ("message", "document_url"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name} must be a string."
    if len(data.get("message") or "") > MAX_MESSAGE_LENGTH:
        return f"message is longer than {MAX_MESSAGE_LENGTH} characters."
    if status in NEEDS_MESSAGE and not (data.get("message") or "").strip():
        return f"message is required for {status}: the reason shown to the citizen."
    return None
