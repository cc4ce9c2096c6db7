"""The worker's housekeeping: purge what grows with use and that nobody can reach any more.

Three kinds of rows would otherwise pile up for ever:

- unsent drafts nobody touched for ``DRAFT_RETENTION``: their resume links stopped working
  (a link lives as long) and the citizen pages say unsent answers are not kept after that. Their
  uploads leave private storage once the rows are gone. A draft of a sent application stays: the
  application's files hang on it;
- expired sessions, which Django never deletes by itself: the session engine's
  ``clear_expired``, what ``manage.py clearsessions`` runs (``SESSION_COOKIE_AGE`` sets expiry);
- finished task results (the delivery sweep alone adds one a minute) older than
  ``TASK_RESULT_RETENTION``. Queued and running tasks are never touched: the delivery sweep and
  ``schedule_housekeeping`` read them.

``housekeeping`` runs all three and, like the delivery sweep, schedules itself again every
``HOUSEKEEPING_SECONDS``, even after an error; ``manage.py schedule_housekeeping``, run before
the worker starts, makes sure one is queued.
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from constructor.applications.models import ApplicationDraft, ApplicationFile

# Drafts go in batches, each in a short transaction, so a backlog never holds a long lock.
DRAFT_BATCH = 500


def purge_expired_drafts(now):
    """Delete unsent drafts last changed before the retention; returns how many went."""
    cutoff = now - settings.DRAFT_RETENTION
    purged = 0
    while True:
        with transaction.atomic():
            pks = list(
                ApplicationDraft.objects.select_for_update()
                .filter(application__isnull=True, updated_at__lt=cutoff)
                .values_list("pk", flat=True)[:DRAFT_BATCH]
            )
            if not pks:
                return purged
            files = list(ApplicationFile.objects.filter(draft_id__in=pks).values_list("file"))
            ApplicationDraft.objects.filter(pk__in=pks).delete()
            # Only once the rows are gone for good: a rollback keeps drafts with their files.
            transaction.on_commit(lambda names=files: delete_private_files(names))
        purged += len(pks)


def delete_private_files(names):
    storage = ApplicationFile._meta.get_field("file").storage
    for (name,) in names:
        storage.delete(name)


def purge_expired_sessions():
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def purge_finished_task_results(now):
    """Delete task results that finished before the retention; returns how many went."""
    cutoff = now - settings.TASK_RESULT_RETENTION
    finished = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    return finished.delete()[0]


def purge_expired(now=None):
    now = now or timezone.now()
    drafts = purge_expired_drafts(now)
    purge_expired_sessions()
    return {"drafts": drafts, "task_results": purge_finished_task_results(now)}


@task()
def housekeeping():
    try:
        return purge_expired()
    finally:
        schedule_housekeeping()  # even after an error: a task that stops rescheduling is gone


def housekeeping_scheduled():
    """True when a housekeeping task is queued (a running one is about to queue the next)."""
    return DBTaskResult.objects.filter(
        task_path=housekeeping.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_housekeeping():
    """Queue the next housekeeping unless one is queued already; True when it queued one."""
    if housekeeping_scheduled():
        return False
    run_after = timezone.now() + timedelta(seconds=settings.HOUSEKEEPING_SECONDS)
    housekeeping.using(backend=settings.HOUSEKEEPING_TASK_BACKEND, run_after=run_after).enqueue()
    return True
