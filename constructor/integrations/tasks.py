"""Background tasks of the integration layer, run by ``manage.py db_worker``.

``deliver`` makes one attempt at one delivery (see delivery.py); retries are new ``deliver``
tasks with ``run_after``. ``sweep`` re-enqueues deliveries whose task or attempt was lost with
a killed worker (recovery.py) and schedules itself again every ``DELIVERY_SWEEP_SECONDS``;
``manage.py requeue_undelivered`` makes sure one is scheduled.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task


@task()
def deliver(delivery_id):
    from constructor.integrations.delivery import attempt

    return attempt(delivery_id)


@task()
def sweep():
    from constructor.integrations.recovery import requeue_undelivered

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
    from constructor.integrations.delivery import setting

    seconds = setting("DELIVERY_SWEEP_SECONDS", 60)
    run_after = timezone.now() + timedelta(seconds=seconds)
    backend = setting("DELIVERY_TASK_BACKEND", "default")
    sweep.using(backend=backend, run_after=run_after).enqueue()
    return True
