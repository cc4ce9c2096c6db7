"""The agency's side channel: ``POST /api/v1/applications/<number>/status`` (docs/INTEGRATION.md).

The request is signed like our deliveries: ``X-Timestamp`` (whole Unix seconds, at most 300 s
away from our clock) and ``X-Signature``, the hex HMAC-SHA256 of ``"<timestamp>.<number>." +
body`` with the secret of the integration the application was delivered to (its
``Delivery``'s); see signing.py.

Unknown numbers and authentication: answering 404 to anybody would let a stranger probe which
application numbers exist, and numbers are sequential. So a number is only confirmed or denied
to a caller who proved they hold *some* active integration's secret: a request that no active
integration's secret verifies gets 401 whatever the number (a switched-off integration is a
stranger); a correctly signed request for a number that does not exist, or that belongs to
another integration, gets 404.

Every answer is JSON, errors ``{"error": "<English sentence>"}`` (plus ``field`` naming the body
field at fault, or ``current_status`` on a 409), never a 500 or Django's HTML page, whatever a
correctly signed body holds. The body is bounded before it is parsed (jsonbody.py: its size from
Content-Length, its nesting), and each string that is stored is checked first: no control
characters (PostgreSQL refuses NUL in text columns, and a citizen's page is no place for
terminal escapes), no lone surrogates (they cannot be written as UTF-8), no more characters than
its column holds.
"""

import logging
import re

from django.core.exceptions import ObjectDoesNotExist
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from constructor.applications.jsonbody import BodyRefused, json_object, read_body
from constructor.applications.models import Application, ApplicationEvent
from constructor.applications.numbers import is_application_number
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
# The body is one flat object; a little room for fields an agency adds that we ignore.
MAX_NESTING = 10
MAX_EVENT_ID_LENGTH = ApplicationEvent._meta.get_field("event_key").max_length
MAX_MESSAGE_LENGTH = 4000
MAX_DOCUMENT_URL_LENGTH = ApplicationEvent._meta.get_field("document_url").max_length

# Control characters (C0, DEL, C1) and lone surrogates; a message may keep tabs and line breaks.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
UNPRINTABLE_IN_MESSAGE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


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


def error(status, message, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def unauthorized(request, number, reason):
    # The number comes from the address: quoted and cut short, it cannot forge log lines.
    logger.warning(
        "Status callback refused (401) for application %r from %s: %s",
        number[:40],
        request.META.get("REMOTE_ADDR", "?"),
        reason,
    )
    return error(401, "The request is not signed by the application's agency.")


def api_not_found(request):
    """Any other address under /api/: a JSON 404 rather than the public site's HTML page."""
    return error(404, "There is no API endpoint at this address.")


@csrf_exempt
def application_status(request, number):
    if request.method != "POST":
        response = error(405, "Only POST is allowed here.")
        response["Allow"] = "POST"
        return response
    try:
        body = read_body(request, MAX_BODY_BYTES)
    except BodyRefused as refused:
        return error(refused.status, refused.message)
    timestamp = request.headers.get("X-Timestamp", "").strip()
    signature = request.headers.get("X-Signature", "").strip()
    if not timestamp or not signature:
        return unauthorized(request, number, "missing X-Timestamp or X-Signature")
    if not signing.fresh(timestamp):
        return unauthorized(request, number, "X-Timestamp missing, malformed or stale")

    # Only a well-formed number reaches the database (PostgreSQL refuses NUL even in a lookup).
    application = (
        Application.objects.select_related("delivery__integration").filter(number=number).first()
        if is_application_number(number)
        else None
    )
    integration = application_integration(application) if application else None
    # The number in the address is signed with the body: a callback captured for one
    # application cannot be replayed against another (signing.py).
    if integration is None or not integration.verify(body, timestamp, signature, number):
        active = Integration.objects.filter(is_active=True)
        if any(other.verify(body, timestamp, signature, number) for other in active):
            # A genuine agency, but not this application's (or no such application).
            return error(404, "No application with this number for your integration.")
        inactive = [
            other.code
            for other in Integration.objects.filter(is_active=False)
            if other.signature_matches(body, timestamp, signature, number)
        ]
        if inactive:
            return unauthorized(request, number, f"integration inactive: {', '.join(inactive)}")
        return unauthorized(request, number, "signature does not match")

    try:
        data = json_object(request, body, MAX_NESTING)
    except BodyRefused as refused:
        return error(refused.status, refused.message)
    problem = body_problem(data)
    if problem:
        field, message = problem
        return error(400, message, field=field)

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
        return error(400, str(invalid), field=invalid.field)
    except TransitionNotAllowed as refused:
        status_from, status_to = str(refused.status_from), str(refused.status_to)
        return error(
            409,
            f"The application cannot move from {status_from} to {status_to}.",
            current_status=status_from,
        )
    application.refresh_from_db(fields=["status"])
    return JsonResponse({"status": application.status, "recorded": event is not None})


def body_problem(data):
    """``(field, what is wrong)`` with the body's fields, in English for the agency's developers.

    None when they are fine. Fields other than these four are ignored.
    """
    event_id = data.get("event_id")
    if not isinstance(event_id, str) or not event_id.strip():
        return "event_id", "event_id is required: a string unique to this status event."
    status = data.get("status")
    allowed = [str(s) for s in AGENCY_STATUSES]
    if status not in allowed:
        return "status", f"status must be one of: {', '.join(allowed)}."
    for name in ("message", "document_url"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            return name, f"{name} must be a string."
    for name, limit, unprintable in (
        ("event_id", MAX_EVENT_ID_LENGTH, UNPRINTABLE),
        ("message", MAX_MESSAGE_LENGTH, UNPRINTABLE_IN_MESSAGE),
        ("document_url", MAX_DOCUMENT_URL_LENGTH, UNPRINTABLE),
    ):
        value = data.get(name) or ""
        if len(value) > limit:
            return name, f"{name} is longer than {limit} characters."
        if unprintable.search(value):
            return name, f"{name} holds a control character or a lone surrogate."
    if status in NEEDS_MESSAGE and not (data.get("message") or "").strip():
        return "message", f"message is required for {status}: the reason shown to the citizen."
    return None
