"""Delivering submitted applications to agency systems, exactly once as far as the agency sees.

A ``Delivery`` is created in the same transaction as its ``Application`` (``submit_draft``),
together with the task row that will send it, so an application is never stored without the
intention to deliver it. The task (``tasks.deliver``) calls ``attempt``:

1. lock the delivery row; skip it when it is finished, leased by another live attempt, or not
   due yet; otherwise take a lease (``lease_until``) and count the attempt; commit;
2. with no transaction open: decrypt the answers, build the payload from the snapshot of the
   mapping rules, check it against the agency's schema (a payload the agency would refuse is
   failed at once, without a request), sign it and POST it;
3. lock the row again and record the outcome: 2xx delivered; a network error, a timeout, a
   dropped connection or a 5xx (or 408/429) retried later with exponential backoff and full
   jitter, through a new task with ``run_after``; any other answer failed with the agency's
   message. Every attempt is kept as a ``DeliveryAttempt``.

The ``Idempotency-Key`` is the delivery's UUID on every attempt, so a retry after a lost
answer, or a second attempt after a crashed worker, is a replay at the agency, not a second
application. A worker killed mid-attempt leaves a lease that runs out; ``requeue_undelivered``
(also run by the periodic ``sweep`` task) puts such deliveries back on the queue.
"""

import http.client
import json
import logging
import random
import time
import traceback
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from constructor.integrations.models import (
    AttemptOutcome,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Integration,
)

logger = logging.getLogger(__name__)

ERROR_TEXT_LIMIT = 2000
# An agency's answer is read up to this much: enough for any error message, and a misbehaving
# endpoint cannot fill the worker's memory.
MAX_ANSWER_BYTES = 64 * 1024
RETRYABLE_STATUSES = {408, 425, 429}


def setting(name, default):
    return getattr(settings, name, default)


def lease_seconds(integration):
    """How long an attempt may hold a delivery before others take it for a crashed worker."""
    return integration.timeout_seconds + setting("DELIVERY_LEASE_SECONDS", 30)


def backoff_seconds(attempts):
    """Full jitter: uniform between 0 and the capped exponential delay of this attempt."""
    base = setting("DELIVERY_RETRY_BASE_SECONDS", 5)
    cap = setting("DELIVERY_RETRY_MAX_SECONDS", 600)
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret


# Creating and enqueueing ------------------------------------------------------------------


def live_integration_id(page_id):
    """The id of the active integration the service page's live version names, or None.

    The page's own column first, without Page's ordering (which joins its parent table): most
    services name no integration, and submitting to them pays for this one cheap query only.
    """
    from constructor.services.models import ServicePage

    integration_id = (
        ServicePage.objects.filter(pk=page_id)
        .order_by()
        .values_list("integration_id", flat=True)
        .first()
    )
    if integration_id is None:
        return None
    if not Integration.objects.filter(pk=integration_id, is_active=True).exists():
        return None  # switched off: applications stay with the officials
    return integration_id


def mapping_snapshot(page_id):
    """The live page's mapping rules, normalised (``rules_from_stream``), as plain data."""
    from constructor.integrations.mapping import rules_from_stream
    from constructor.services.models import ServicePage

    page = ServicePage.objects.only("payload_mapping").get(pk=page_id)
    return rules_from_stream(list(page.payload_mapping.raw_data))


def create_delivery(application, page_id):
    """Inside the submitting transaction: the delivery and its task, or None (no integration).

    The page row holds the live version (drafts live in revisions), so its integration and
    mapping are what the citizen applied through. No active integration: the application
    stays with the officials.
    """
    integration_id = live_integration_id(page_id)
    if integration_id is None:
        return None
    delivery = Delivery.objects.create(
        application=application,
        integration_id=integration_id,
        rules=mapping_snapshot(page_id),
        next_attempt_at=timezone.now(),
    )
    enqueue(delivery)
    return delivery


def enqueue(delivery, run_after=None):
    """Put a delivery task on the queue (call inside the transaction that changed the row)."""
    from constructor.integrations.tasks import deliver

    task = deliver.using(backend=setting("DELIVERY_TASK_BACKEND", "default"), run_after=run_after)
    return task.enqueue(delivery.pk)


# One attempt -----------------------------------------------------------------------------


class Outcome:
    """What one HTTP exchange came to."""

    def __init__(self, kind, http_status=None, error="", latency_ms=None):
        self.kind = kind  # AttemptOutcome value
        self.http_status = http_status
        self.error = error[:ERROR_TEXT_LIMIT]
        self.latency_ms = latency_ms


# What an attempt reads: the delivery, its integration and just enough of the application.
ATTEMPT_FIELDS = (
    "rules",
    "idempotency_key",
    "status",
    "attempts",
    "lease_until",
    "next_attempt_at",
    "integration__endpoint_url",
    "integration__payload_schema",
    "integration__hmac_secret",
    "integration__timeout_seconds",
    "application__uuid",
    "application__number",
    "application__submitted_at",
    "application__answers_ciphertext",
    "application__answers_nonce",
    "application__answers_key_id",
    "application__form_version__number",
    "application__region__code",
    "application__page__service_code",
)

# Compiled form schemas by FormVersion id: a version never changes once frozen.
_FORM_SCHEMAS = {}
_FORM_SCHEMA_CACHE_SIZE = 64


def form_schema(version_id):
    from constructor.formbuilder.models import FormVersion

    schema = _FORM_SCHEMAS.get(version_id)
    if schema is None:
        if len(_FORM_SCHEMAS) >= _FORM_SCHEMA_CACHE_SIZE:
            _FORM_SCHEMAS.pop(next(iter(_FORM_SCHEMAS)))
        schema = FormVersion.objects.values_list("schema", flat=True).get(pk=version_id)
        _FORM_SCHEMAS[version_id] = schema
    return schema


def load(delivery_id):
    return (
        Delivery.objects.select_related(
            "integration",
            "application__form_version",
            "application__region",
            "application__page",
        )
        .only(*ATTEMPT_FIELDS)
        .filter(pk=delivery_id)
        .first()
    )


def attempt(delivery_id):
    """Make one attempt at a delivery; returns a word for the task result."""
    delivery = load(delivery_id)
    if delivery is None:
        return "missing"
    started_at = timezone.now()
    refusal = claim(delivery, started_at)
    if refusal:
        return refusal
    prepared = build_body(delivery)
    outcome = prepared if isinstance(prepared, Outcome) else post(delivery, prepared)
    return finish(delivery, started_at, outcome)


def claim(delivery, now):
    """Lease the delivery for this attempt; a short word when it is not ours to attempt.

    One conditional UPDATE is the lock: it succeeds only while the delivery is pending, due,
    not leased by a live attempt and unchanged since it was read (``attempts``), so of two
    workers holding duplicate tasks exactly one gets it.
    """
    if delivery.status != DeliveryStatus.PENDING:
        return f"skipped-{delivery.status}"
    if delivery.lease_until and delivery.lease_until > now:
        return "skipped-leased"
    if delivery.next_attempt_at and delivery.next_attempt_at > now + timedelta(seconds=1):
        return "skipped-not-due"
    lease_until = now + timedelta(seconds=lease_seconds(delivery.integration))
    claimed = (
        Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(attempts=delivery.attempts + 1, lease_until=lease_until)
    )
    if not claimed:
        return "skipped-busy"
    delivery.attempts += 1
    delivery.lease_until = lease_until
    return None


def system_context(application):
    from constructor.integrations.mapping import SystemContext

    return SystemContext(
        number=application.number,
        submitted_at=application.submitted_at,
        region_code=application.region.code,
        form_version=application.form_version.number,
        service_code=application.page.service_code,
    )


def build_body(delivery):
    """The JSON body for a delivery, or a failed Outcome saying why there is none."""
    from constructor.integrations.mapping import build_payload
    from constructor.integrations.transforms import TransformError

    application = delivery.application
    try:
        answers = application.open_answers() or {}
        payload = build_payload(
            form_schema(application.form_version_id),
            delivery.rules,
            answers,
            system_context(application),
        )
    except Exception as error:  # a broken snapshot must fail the delivery, not the worker
        # An exception's text may quote an answer: only a TransformError's (its transform and
        # reason) is kept; the log gets the type and the frames, never the message.
        reason = str(error) if isinstance(error, TransformError) else type(error).__name__
        logger.error(
            "Delivery %s: the payload could not be built (%s)\n%s",
            delivery.pk,
            reason,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        return Outcome(
            AttemptOutcome.FAILED,
            error=_("The payload could not be built from the answers: %(error)s")
            % {"error": reason},
        )
    errors = schema_violations(delivery.integration.payload_schema, payload)
    if errors:
        listed = "; ".join(errors)
        return Outcome(
            AttemptOutcome.FAILED,
            error=_("The payload does not match the agency's schema, nothing was sent: %(errors)s")
            % {"errors": listed},
        )
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def schema_violations(payload_schema, payload):
    """Where and which rule of the agency's schema the payload breaks, without its values.

    jsonschema's own messages quote the offending value (a passport number, a name): these
    texts are kept on the delivery and shown to officials outside the audited answers view.
    """
    from constructor.integrations.mapping import error_pointer, payload_validator

    errors = payload_validator(payload_schema).iter_errors(payload)
    return sorted({f"{error_pointer(error)}: {error.validator}" for error in errors})


def request_headers(delivery, body):
    timestamp = str(int(time.time()))
    key = str(delivery.idempotency_key)
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Timestamp": timestamp,
        # The key is signed too: a captured request cannot come back under a new key.
        "X-Signature": delivery.integration.sign(body, timestamp, subject=key),
        "Idempotency-Key": key,
        "X-Application-Number": delivery.application.number,
    }


def agency_message(status, raw):
    """The agency's own words from a refusal: its JSON ``error`` and ``errors``, else the text."""
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    parts = []
    if isinstance(answer, dict):
        if answer.get("error"):
            parts.append(str(answer["error"]))
        for item in answer.get("errors") or []:
            if isinstance(item, dict):
                path = item.get("path") or "/"
                parts.append(f"{path}: {item.get('message', '')}")
            else:
                parts.append(str(item))
    message = " ".join(parts) if parts else text[:500]
    return _("The agency answered %(status)s: %(message)s") % {
        "status": status,
        "message": message or _("no explanation"),
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the agency's answer, not an instruction: following it would re-send the
    signed headers elsewhere and turn the POST into a body-less GET whose 200 looks delivered."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # -> HTTPError with the 3xx status: failed with the agency's message


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def no_answer(integration):
    return _("No answer within %(seconds)s s.") % {"seconds": integration.timeout_seconds}


def post(delivery, body):
    """Send the body once; classify the answer. No database transaction is open here."""
    integration = delivery.integration
    request = urllib.request.Request(  # noqa: S310 - the URL is the configured agency endpoint
        integration.endpoint_url,
        data=body,
        headers=request_headers(delivery, body),
        method="POST",
    )
    started = time.monotonic()

    def elapsed():
        return int((time.monotonic() - started) * 1000)

    try:
        with _OPENER.open(request, timeout=integration.timeout_seconds) as response:
            response.read(MAX_ANSWER_BYTES)  # the body is not needed; never read without a bound
            return Outcome(AttemptOutcome.DELIVERED, response.status, latency_ms=elapsed())
    except urllib.error.HTTPError as error:
        try:
            raw = error.read(MAX_ANSWER_BYTES)
        except (OSError, http.client.HTTPException):
            raw = b""
        status = error.code
        message = agency_message(status, raw)
        kind = (
            AttemptOutcome.RETRY
            if status >= 500 or status in RETRYABLE_STATUSES
            else AttemptOutcome.FAILED
        )
        return Outcome(kind, status, message, elapsed())
    except TimeoutError:
        return Outcome(AttemptOutcome.RETRY, error=no_answer(integration), latency_ms=elapsed())
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            text = no_answer(integration)
        else:
            text = _("Could not connect to the agency: %(reason)s") % {"reason": reason}
        return Outcome(AttemptOutcome.RETRY, error=text, latency_ms=elapsed())
    except (http.client.HTTPException, OSError) as error:
        return Outcome(
            AttemptOutcome.RETRY,
            error=_("The connection was lost: %(error)s")
            % {"error": str(error) or type(error).__name__},
            latency_ms=elapsed(),
        )


def finish(delivery, started_at, outcome):
    """Record the attempt and move the delivery on, in one transaction.

    The update is conditional on the lease this attempt holds (same ``attempts`` and the very
    ``lease_until`` it set: an official's Retry restarts ``attempts``, so the count alone could
    match a newer attempt): if the lease ran out and another attempt took the delivery over,
    or the sweep released it, that one decides; this attempt is still on record.
    """
    now = timezone.now()
    kind = outcome.kind
    if kind == AttemptOutcome.RETRY and delivery.attempts >= setting("DELIVERY_MAX_ATTEMPTS", 12):
        kind = AttemptOutcome.FAILED
    changes = {"lease_until": None}
    if kind == AttemptOutcome.DELIVERED:
        changes.update(
            status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None, last_error=""
        )
    elif kind == AttemptOutcome.RETRY:
        changes.update(
            next_attempt_at=now + timedelta(seconds=backoff_seconds(delivery.attempts)),
            last_error=outcome.error,
        )
    else:
        error = outcome.error or _("The delivery failed.")
        if outcome.kind == AttemptOutcome.RETRY:
            error = _("Gave up after %(count)s attempts. Last error: %(error)s") % {
                "count": delivery.attempts,
                "error": outcome.error,
            }
        changes.update(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=error)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery_id=delivery.pk,
            started_at=started_at,
            http_status=outcome.http_status,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
            outcome=kind,
        )
        updated = Delivery.objects.filter(
            pk=delivery.pk,
            status=DeliveryStatus.PENDING,
            attempts=delivery.attempts,
            lease_until=delivery.lease_until,
        ).update(**changes)
        if not updated:
            return f"late-{kind}"
        for name, value in changes.items():
            setattr(delivery, name, value)
        if kind == AttemptOutcome.DELIVERED:
            mark_application_delivered(delivery.application_id)
        elif kind == AttemptOutcome.RETRY:
            enqueue(delivery, run_after=delivery.next_attempt_at)
    return str(kind)


def mark_application_delivered(application_id):
    """Move the application to "delivered" through the status history (statuses.py)."""
    from constructor.applications.statuses import record_status

    try:
        record_status(application_id, "delivered", actor="system")
    except Exception:  # e.g. an impossible move: the delivery stands, the log says why
        logger.warning("Application %s: not moved to delivered", application_id, exc_info=True)


# Officials and recovery ------------------------------------------------------------------


def retry_failed(delivery):
    """An official's "Retry": a failed delivery goes back to pending with a fresh budget."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(of=("self",)).get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.FAILED:
            return False
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.lease_until = None
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "lease_until", "next_attempt_at"])
        enqueue(delivery)
    return True


def live_task_delivery_ids(now=None):
    """Ids of deliveries that a queued task, or one that started a moment ago, will attempt.

    Only tasks on the delivery backend count (a task queued on another backend no worker of
    ours reads is lost too). A task killed with its worker stays "running" for ever; past the
    lease margin it counts as lost: a live attempt holds the delivery's lease, which
    ``requeue_undelivered`` checks first.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from constructor.integrations.tasks import deliver

    now = now or timezone.now()
    fresh = now - timedelta(seconds=setting("DELIVERY_LEASE_SECONDS", 30))
    rows = DBTaskResult.objects.filter(
        task_path=deliver.module_path,
        backend_name=setting("DELIVERY_TASK_BACKEND", "default"),
    ).filter(
        Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gte=fresh)
    )
    ids = set()
    for args_kwargs in rows.values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args:
            ids.add(args[0])
    return ids


def requeue_undelivered(now=None):
    """Enqueue every pending delivery that no live task will attempt; returns their ids.

    A pending delivery is lost when its lease (if any) has run out and no queued task, nor a
    running one younger than the lease margin, names it: its worker was killed, or its task
    row was pruned. Deliveries merely waiting in a long queue keep their task and are left
    alone, so a backlog after an outage is never multiplied by the sweep.
    """
    now = now or timezone.now()
    live = live_task_delivery_ids(now)
    requeued = []
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list(
        "pk", "lease_until"
    )
    for pk, lease_until in pending:
        if (lease_until and lease_until > now) or pk in live:
            continue
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update(of=("self",)).get(pk=pk)
            if delivery.status != DeliveryStatus.PENDING or (
                delivery.lease_until and delivery.lease_until > now
            ):
                continue
            delivery.lease_until = None
            delivery.next_attempt_at = now
            delivery.save(update_fields=["lease_until", "next_attempt_at"])
            enqueue(delivery)
        requeued.append(pk)
    return requeued
