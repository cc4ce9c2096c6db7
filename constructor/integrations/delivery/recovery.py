"""Recovery: pending deliveries that nothing will finish go back on the queue.

``requeue_undelivered`` runs from ``manage.py requeue_undelivered`` (before the worker starts)
and from the worker's periodic ``sweep``. A pending delivery is lost in one of two ways:

* its task is gone (pruned, or its worker was killed between taking the task and claiming the
  delivery): it holds no lease, and no queued task, nor a running one younger than the lease
  margin, names it. It gets a new task, due now.
* its attempt is gone: a lease is left behind, and either it has run out or its holder is a
  process of this machine that is no longer running (holders.py), which is known at once,
  not after the lease. The interrupted attempt is recorded through ``finish`` (a retry due
  now, conditional on that very lease, so an attempt that finishes meanwhile wins) and counts
  towards the limit: a delivery whose attempts keep killing their worker fails after
  ``DELIVERY_MAX_ATTEMPTS`` like any other, and the officials are told.

Deliveries merely waiting in a long queue keep their task and are left alone, so a backlog
after an outage is never multiplied by the sweep.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from constructor.integrations.delivery import holders
from constructor.integrations.delivery.attempts import (
    Outcome,
    deliver,
    enqueue,
    finish,
    load_bare,
    setting,
)
from constructor.integrations.models import AttemptOutcome, Delivery, DeliveryStatus

logger = logging.getLogger(__name__)


def task_delivery_ids(now):
    """Ids of deliveries that a queued task, or one that started a moment ago, will attempt.

    Only tasks on the delivery backend count (a task queued on another backend no worker of
    ours reads is lost too). A task killed with its worker stays "running" for ever; past the
    lease margin it counts as lost. A running task says nothing about a delivery it leased:
    the lease and its holder do.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

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
    """Put every lost pending delivery back on the queue; returns the ids requeued."""
    now = now or timezone.now()
    live = task_delivery_ids(now)
    requeued = []
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list(
        "pk", "lease_until", "lease_holder"
    )
    for pk, lease_until, holder in pending:
        try:
            if lease_until is None:
                lost = pk not in live and requeue_lost_task(pk, now)
            else:
                gone = lease_until <= now or holders.gone(holder)
                lost = gone and take_over(pk, lease_until, now)
        except Exception:  # one broken delivery must not keep the others from recovering
            logger.exception("Delivery %s could not be requeued", pk)
            continue
        if lost:
            requeued.append(pk)
    return requeued


def requeue_lost_task(pk, now):
    """A new task for an unleased pending delivery whose task is gone."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .filter(pk=pk, status=DeliveryStatus.PENDING, lease_until__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        delivery.next_attempt_at = now
        delivery.save(update_fields=["next_attempt_at"])
        enqueue(delivery)
    return True


def take_over(pk, lease_until, now):
    """Record the attempt that left this lease behind as interrupted; True when requeued.

    False when the attempt finished meanwhile, or when it was the last one the limit allows
    (then the delivery is failed, and the officials told, by ``finish``).
    """
    with transaction.atomic():
        # Locked first: two recoveries at once (the command and the sweep) record it once.
        held = Delivery.objects.select_for_update(of=("self",)).filter(
            pk=pk, status=DeliveryStatus.PENDING, lease_until=lease_until
        )
        if not list(held.values_list("pk", flat=True)):
            return False  # finished or claimed again since the list was read
        delivery = load_bare(pk)
        if lease_until > now:
            logger.warning("Delivery %s: its holder %s is gone", pk, delivery.lease_holder)
            error = _(
                "The attempt was interrupted: the worker process stopped before the agency's "
                "answer was recorded."
            )
        else:
            error = _("The attempt did not finish in time: its worker stopped or stalled.")
        interrupted = Outcome(AttemptOutcome.RETRY, error=error)
        result = finish(delivery, delivery.leased_at or now, interrupted, retry_at=now)
    return result == AttemptOutcome.RETRY


# The periodic sweep ------------------------------------------------------------------------


@task()
def sweep():
    """Re-enqueue what a killed worker lost, then schedule the next sweep.

    Every ``DELIVERY_SWEEP_SECONDS``; ``manage.py requeue_undelivered`` makes sure one is
    scheduled.
    """
    try:
        requeued = requeue_undelivered()
    finally:
        schedule_sweep()  # even after an error: a sweep that stops rescheduling is gone for good
    return {"requeued": len(requeued)}


def sweep_scheduled():
    """True when a sweep task is queued (a running one is about to schedule the next)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=sweep.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_sweep():
    """Queue the next sweep unless one is already queued; returns True when it queued one."""
    if sweep_scheduled():
        return False
    seconds = setting("DELIVERY_SWEEP_SECONDS", 60)
    run_after = timezone.now() + timedelta(seconds=seconds)
    backend = setting("DELIVERY_TASK_BACKEND", "default")
    sweep.using(backend=backend, run_after=run_after).enqueue()
    return True
