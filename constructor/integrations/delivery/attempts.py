"""Delivering submitted applications to agency systems, exactly once as far as the agency sees.

A ``Delivery`` is created in the same transaction as its ``Application`` (``submit_draft``),
together with the task row that will send it, so an application is never stored without the
intention to deliver it. The task (``deliver``, at the end of this module) calls ``attempt``:

1. claim: one conditional UPDATE counts the attempt and takes a lease (``lease_until``), naming
   the process that holds it (``lease_holder``, see holders.py); it fails when the delivery
   is finished, leased by a live attempt, not due yet or changed since it was read;
2. with no transaction open: decrypt the answers, build the payload from the snapshot of the
   mapping rules, check it against the agency's schema (a payload the agency would refuse is
   failed at once, without a request), sign it and POST it (exchange.py: one deadline for
   the whole exchange, at most ``MAX_ANSWER_BYTES`` read, nothing decompressed);
3. finish: in one transaction, record the attempt (with a displayable excerpt of the answer,
   answers.py) and move the delivery on: 2xx delivered; no answer, a dropped connection, a
   5xx (or 408/425/429) retried later with exponential backoff and full jitter, through a
   new task with ``run_after``; any other answer failed with the agency's message. The status
   line is the agency's decision; the body only explains it, so whatever the body is (huge,
   nested, binary, dripping, broken off) it is an excerpt, never an exception.

Every claimed attempt ends in a recorded outcome. An exception inside steps 2-3 becomes the
attempt's error (its class name only: messages may quote answers) and is retried like a 5xx;
if recording that fails (the database refused it), the bare class name is recorded instead;
if even that fails, the lease is left behind and recovery records the attempt (below). The
attempt limit (``DELIVERY_MAX_ATTEMPTS``) counts claims, so attempts that never finish count
as well; the last one fails the delivery and e-mails the region's officials (failures.py).

The ``Idempotency-Key`` is the delivery's UUID on every attempt, so a retry after a lost
answer, or a second attempt after a crashed worker, is a replay at the agency, not a second
application. ``finish`` is conditional on the lease the attempt took, so an attempt that was
taken over can record what it saw but decides nothing.

Recovery (recovery.py: ``requeue_undelivered``, also its periodic ``sweep`` task): a pending
delivery whose task was lost gets a new one. A lease left behind is taken over at once when
its holder is a process of this machine that is no longer running (holders.py), otherwise when
it runs out: a killed worker's delivery is back on the queue the moment requeue runs. The
interrupted attempt is recorded and counts towards the limit. Wrongly taking over a live
holder costs one replayed POST and a "late" result, nothing more. Why the holder's identity
rather than short leases renewed by a heartbeat: a heartbeat still leaves recovery waiting a
lease after a crash and writes to the row all through the POST, while a dead process is known
dead at once; and the heartbeat's other use, noticing a live attempt that hangs, is covered by
the exchange's deadline, which also keeps every live attempt inside its lease (the timeout plus
``DELIVERY_LEASE_SECONDS``). A dead holder on another machine is taken over at once by a
requeue run on that machine, by any other once its lease runs out.

Drain after an outage: when an attempt to an integration succeeds, the agency is back, and a
few of its deliveries waiting on back-off are made due now (``pull_forward``), at most
``DELIVERY_DRAIN_CONCURRENCY`` due or in flight at a time; each success pulls the next, so a
backlog drains at the agency's pace instead of trickling in as each back-off runs out.
"""

import json
import logging
import random
import time
import traceback
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from constructor.integrations.delivery import answers, exchange, holders
from constructor.integrations.delivery.signals import delivered
from constructor.integrations.models import (
    AttemptOutcome,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
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
    """How long an attempt may hold a delivery before others take it for a crashed worker.

    The exchange cannot outlast the integration's timeout (exchange.py); the margin covers
    building the payload and recording the outcome.
    """
    return integration.timeout_seconds + setting("DELIVERY_LEASE_SECONDS", 30)


def backoff_seconds(attempts):
    """Full jitter: uniform between 0 and the capped exponential delay of this attempt."""
    base = setting("DELIVERY_RETRY_BASE_SECONDS", 5)
    cap = setting("DELIVERY_RETRY_MAX_SECONDS", 600)
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret


# Creating and enqueueing ------------------------------------------------------------------


def create_delivery(application, integration_id, rules):
    """Inside the submitting transaction: the delivery to ``integration_id`` and its task.

    ``rules`` are the live page's mapping rules, normalised (``rules_from_stream``), as plain
    data: the snapshot every attempt builds the payload from.
    """
    delivery = Delivery.objects.create(
        application=application,
        integration_id=integration_id,
        rules=rules,
        next_attempt_at=timezone.now(),
    )
    enqueue(delivery)
    return delivery


def enqueue(delivery, run_after=None):
    """Put a delivery task on the queue (call inside the transaction that changed the row)."""
    return enqueue_id(delivery.pk, run_after)


def enqueue_id(delivery_id, run_after=None):
    task = deliver.using(backend=setting("DELIVERY_TASK_BACKEND", "default"), run_after=run_after)
    return task.enqueue(delivery_id)


# One attempt -----------------------------------------------------------------------------


class Outcome:
    """What one attempt came to; the texts are kept displayable and bounded."""

    def __init__(self, kind, http_status=None, error="", latency_ms=None, answer=""):
        self.kind = kind  # AttemptOutcome value
        self.http_status = http_status
        self.error = answers.shortened(error, ERROR_TEXT_LIMIT)
        self.latency_ms = latency_ms
        self.answer = answer


# What an attempt reads: the delivery, its integration and just enough of the application.
ATTEMPT_FIELDS = (
    "rules",
    "idempotency_key",
    "status",
    "attempts",
    "lease_until",
    "leased_at",
    "lease_holder",
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


def load_bare(delivery_id):
    """Just what claiming and recording need, for a delivery whose full load fails."""
    return (
        Delivery.objects.select_related("integration")
        .only(
            "status",
            "attempts",
            "lease_until",
            "leased_at",
            "lease_holder",
            "next_attempt_at",
            "application",
            "integration__timeout_seconds",
        )
        .filter(pk=delivery_id)
        .first()
    )


def attempt(delivery_id):
    """Make one attempt at a delivery; returns a word for the task result.

    Once claimed, the attempt ends recorded whatever happens in between (see the module's
    docstring): an unexpected exception is its outcome, not the worker's. Even a delivery
    that cannot be loaded (its data unreadable) is claimed and counted, or it would be
    requeued by every sweep for ever.
    """
    unreadable = None
    try:
        delivery = load(delivery_id)
    except Exception as error:
        unreadable, delivery = error, load_bare(delivery_id)
    if delivery is None:
        return "missing"
    started_at = timezone.now()
    refusal = claim(delivery, started_at)
    if refusal:
        return refusal
    if unreadable is not None:
        outcome = unexpected(delivery, unreadable)
    else:
        try:
            prepared = build_body(delivery)
            outcome = prepared if isinstance(prepared, Outcome) else post(delivery, prepared)
        except Exception as error:
            outcome = unexpected(delivery, error)
    try:
        return finish(delivery, started_at, outcome)
    except Exception as error:  # e.g. the database refused what was to be recorded
        return finish(delivery, started_at, unexpected(delivery, error))


def unexpected(delivery, error):
    """An exception as an attempt's outcome: retried like a 5xx, counted towards the limit.

    Officials read the class name only; the log gets the frames, never the message, which
    may quote an answer.
    """
    logger.error(
        "Delivery %s: the attempt was interrupted (%s)\n%s",
        delivery.pk,
        type(error).__name__,
        "".join(traceback.format_tb(error.__traceback__)),
    )
    return Outcome(
        AttemptOutcome.RETRY,
        error=_("An unexpected error interrupted the attempt: %(error)s.")
        % {"error": type(error).__name__},
    )


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
    holder = holders.this_process()
    claimed = (
        Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(
            attempts=delivery.attempts + 1,
            lease_until=lease_until,
            leased_at=now,
            lease_holder=holder,
        )
    )
    if not claimed:
        return "skipped-busy"
    delivery.attempts += 1
    delivery.lease_until = lease_until
    delivery.leased_at = now
    delivery.lease_holder = holder
    return None


def system_context(application):
    from constructor.integrations.proof.mapping import SystemContext

    return SystemContext(
        number=application.number,
        submitted_at=application.submitted_at,
        region_code=application.region.code,
        form_version=application.form_version.number,
        service_code=application.page.service_code,
    )


def build_body(delivery):
    """The JSON body for a delivery, or a failed Outcome saying why there is none."""
    from constructor.integrations.proof.mapping import build_payload
    from constructor.integrations.proof.transforms import TransformError

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
    from constructor.integrations.proof.mapping import error_pointer, payload_validator

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


def no_answer(integration):
    return _("No answer within %(seconds)s s.") % {"seconds": integration.timeout_seconds}


def post(delivery, body):
    """Send the body once; classify the answer. No database transaction is open here."""
    integration = delivery.integration
    started = time.monotonic()

    def elapsed():
        return int((time.monotonic() - started) * 1000)

    try:
        answer = exchange.post(
            integration.endpoint_url,
            body,
            request_headers(delivery, body),
            seconds=integration.timeout_seconds,
            limit=MAX_ANSWER_BYTES,
        )
    except exchange.TimedOut:
        return Outcome(AttemptOutcome.RETRY, error=no_answer(integration), latency_ms=elapsed())
    except exchange.CouldNotConnect as error:
        text = _("Could not connect to the agency: %(reason)s") % {"reason": error.reason}
        return Outcome(AttemptOutcome.RETRY, error=text, latency_ms=elapsed())
    except exchange.ConnectionLost as error:
        text = _("The connection was lost: %(error)s") % {"error": error.reason}
        return Outcome(AttemptOutcome.RETRY, error=text, latency_ms=elapsed())
    text = answers.decode(answer.body, answer.charset)
    status = answer.status
    kept = answers.excerpt(text, whole=answer.whole)
    if 200 <= status < 300:
        return Outcome(AttemptOutcome.DELIVERED, status, latency_ms=elapsed(), answer=kept)
    refused = 300 <= status < 500 and status not in RETRYABLE_STATUSES
    return Outcome(
        AttemptOutcome.FAILED if refused else AttemptOutcome.RETRY,
        status,
        answers.agency_message(status, text),
        elapsed(),
        answer=kept,
    )


def finish(delivery, started_at, outcome, retry_at=None):
    """Record the attempt and move the delivery on, in one transaction.

    The update is conditional on the lease this attempt holds (same ``attempts`` and the very
    ``lease_until`` it set: an official's Retry restarts ``attempts``, so the count alone could
    match a newer attempt): if the lease ran out and another attempt took the delivery over,
    or the sweep released it, that one decides; this attempt is still on record. A retry is
    due after the backoff, or at ``retry_at`` when given (an interrupted attempt: not the
    agency's fault).
    """
    now = timezone.now()
    kind = outcome.kind
    if kind == AttemptOutcome.RETRY and delivery.attempts >= setting("DELIVERY_MAX_ATTEMPTS", 12):
        kind = AttemptOutcome.FAILED
    changes = {"lease_until": None, "leased_at": None, "lease_holder": ""}
    if kind == AttemptOutcome.DELIVERED:
        changes.update(
            status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None, last_error=""
        )
    elif kind == AttemptOutcome.RETRY:
        changes.update(
            next_attempt_at=retry_at or now + timedelta(seconds=backoff_seconds(delivery.attempts)),
            last_error=outcome.error,
        )
    else:
        error = outcome.error or _("The delivery failed.")
        if outcome.kind == AttemptOutcome.RETRY:
            error = _("Gave up after %(count)s attempts. Last error: %(error)s") % {
                "count": delivery.attempts,
                "error": outcome.error,
            }
        changes.update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            last_error=answers.shortened(error, ERROR_TEXT_LIMIT),
        )
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery_id=delivery.pk,
            started_at=started_at,
            http_status=outcome.http_status,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
            answer=outcome.answer,
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
        if kind == AttemptOutcome.DELIVERED:
            delivered.send(sender=Delivery, application_id=delivery.application_id)
            pull_forward(delivery.integration_id, now)
        elif kind == AttemptOutcome.RETRY:
            enqueue(delivery, run_after=changes["next_attempt_at"])
        else:
            from constructor.integrations.delivery.failures import tell_officials

            transaction.on_commit(partial(tell_officials, delivery.pk), robust=True)
    # Only now: when the transaction fails, the attempt can still be recorded on this lease.
    for name, value in changes.items():
        setattr(delivery, name, value)
    return str(kind)


def pull_forward(integration_id, now):
    """The agency answered: make a few deliveries waiting on back-off due now; their ids.

    Waiting: pending, not leased, due later than now (a retry's back-off). At most
    ``DELIVERY_DRAIN_CONCURRENCY`` deliveries of the integration are due or in flight at once
    through this, so a recovering agency gets a small steady stream, oldest applications
    first; each success pulls the next. One cheap query when nothing waits.
    """
    limit = setting("DELIVERY_DRAIN_CONCURRENCY", 4)
    soon = now + timedelta(seconds=1)
    pending = Delivery.objects.filter(integration_id=integration_id, status=DeliveryStatus.PENDING)
    waiting = list(
        pending.filter(lease_until__isnull=True, next_attempt_at__gt=soon)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not waiting:
        return []
    busy = pending.filter(
        Q(lease_until__gt=now) | Q(lease_until__isnull=True, next_attempt_at__lte=soon)
    ).count()
    chosen = waiting[: max(limit - busy, 0)]
    if chosen:
        pending.filter(pk__in=chosen, lease_until__isnull=True).update(next_attempt_at=now)
        for pk in chosen:
            enqueue_id(pk)  # the back-off's task stays queued and will find nothing to do
    return chosen


def retry_failed(delivery):
    """An official's "Retry": a failed delivery goes back to pending with a fresh budget."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(of=("self",)).get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.FAILED:
            return False
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.lease_until, delivery.leased_at, delivery.lease_holder = None, None, ""
        delivery.next_attempt_at = timezone.now()
        delivery.save(
            update_fields=[
                "status",
                "attempts",
                "lease_until",
                "leased_at",
                "lease_holder",
                "next_attempt_at",
            ]
        )
        enqueue(delivery)
    return True


# The task ----------------------------------------------------------------------------------


@task()
def deliver(delivery_id):
    """One attempt at one delivery, run by ``manage.py db_worker``; retries are new tasks."""
    return attempt(delivery_id)
