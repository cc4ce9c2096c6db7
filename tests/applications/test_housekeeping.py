"""The worker's housekeeping purges exactly what expired and keeps everything else.

Rows are aged with ``update()`` (which skips ``auto_now``), so the purge runs at the real time.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from constructor.applications.housekeeping import housekeeping, purge_expired
from constructor.applications.models import Application, ApplicationDraft, ApplicationFile
from tests.applications.conftest import VALID_STEPS

DAY = timedelta(days=1)


def age(model, pk, field, by):
    model.objects.filter(pk=pk).update(**{field: timezone.now() - by})


def stored(record):
    return record.file.storage.exists(record.file.name)


@pytest.fixture
def drafts(citizen_factory):
    """Unsent drafts, one old with a file and one recent, and an old draft of a sent application."""
    abandoned = citizen_factory()
    abandoned.fill_all()
    recent = citizen_factory()
    recent.start()
    recent.post_step("applicant", VALID_STEPS["applicant"])
    sender = citizen_factory()
    sender.fill_all()
    assert sender.client.post(sender.base + "check/").status_code == 302
    found = {
        "abandoned": abandoned.draft(),
        "recent": recent.draft(),
        "sent": sender.draft(),
    }
    age(ApplicationDraft, found["abandoned"].pk, "updated_at", settings.DRAFT_RETENTION + DAY)
    # A day short of the retention: still the citizen's.
    age(ApplicationDraft, found["recent"].pk, "updated_at", settings.DRAFT_RETENTION - DAY)
    age(ApplicationDraft, found["sent"].pk, "updated_at", settings.DRAFT_RETENTION * 3)
    return found


def test_purge_removes_expired_unsent_drafts_with_their_files_only(
    drafts, django_capture_on_commit_callbacks
):
    abandoned_file = drafts["abandoned"].files.get()
    sent_file = drafts["sent"].files.get()
    assert stored(abandoned_file)

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired()["drafts"] == 1

    assert set(ApplicationDraft.objects.values_list("pk", flat=True)) == {
        drafts["recent"].pk,
        drafts["sent"].pk,
    }
    assert not ApplicationFile.objects.filter(pk=abandoned_file.pk).exists()
    assert not stored(abandoned_file)
    # The sent application keeps its draft and the file it names.
    assert stored(sent_file)
    application = Application.objects.get()
    assert application.open_answers()["passport_scan"][0]["id"] == str(sent_file.pk)


def test_a_link_to_a_purged_draft_says_it_expired(drafts, citizen_factory):
    from constructor.applications.drafts import resume_token

    token = resume_token(drafts["abandoned"])
    purge_expired()
    response = citizen_factory().client.get(f"/apply/resume/{token}/")
    assert response.status_code == 410
    assert "30" in response.content.decode()


def test_looking_at_the_summary_keeps_the_draft_as_long_as_its_link(citizen):
    citizen.fill_all()
    draft = citizen.draft()
    age(ApplicationDraft, draft.pk, "updated_at", settings.DRAFT_RETENTION - DAY)
    assert citizen.client.get(citizen.base + "check/").status_code == 200
    draft.refresh_from_db()
    assert draft.updated_at > timezone.now() - DAY


def test_purge_clears_expired_sessions_and_keeps_live_ones(db):
    expired, live = SessionStore(), SessionStore()
    for session in (expired, live):
        session["application_drafts"] = {}
        session.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=timezone.now() - DAY)

    purge_expired()

    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]


@pytest.fixture
def task_results(db):
    """Task rows in every state, old and new, on the database backend housekeeping uses."""

    def row(status, finished_ago=None):
        result = housekeeping.using(backend="housekeeping").enqueue()
        changes = {"status": status}
        if finished_ago is not None:
            changes["finished_at"] = timezone.now() - finished_ago
        DBTaskResult.objects.filter(pk=result.id).update(**changes)
        return result.id

    retention = settings.TASK_RESULT_RETENTION
    return {
        "old_successful": row(TaskResultStatus.SUCCESSFUL, retention + DAY),
        "old_failed": row(TaskResultStatus.FAILED, retention + DAY),
        "new_successful": row(TaskResultStatus.SUCCESSFUL, retention - DAY),
        "new_failed": row(TaskResultStatus.FAILED, timedelta(minutes=5)),
        "queued": row(TaskResultStatus.READY),
        "running": row(TaskResultStatus.RUNNING),
    }


def test_purge_removes_old_finished_task_results_and_never_unfinished_ones(task_results):
    DBTaskResult.objects.filter(pk__in=[task_results["queued"], task_results["running"]]).update(
        enqueued_at=timezone.now() - settings.TASK_RESULT_RETENTION * 5
    )
    assert purge_expired()["task_results"] == 2
    kept = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert kept == {
        str(task_results[name]) for name in ("new_successful", "new_failed", "queued", "running")
    }


def run_ready_housekeeping():
    """The database worker's loop for the housekeeping backend, in this thread."""
    row = DBTaskResult.objects.ready().filter(backend_name="housekeeping").get()
    row.claim("test-worker")
    row.set_successful(row.task.call())
    return row


def test_the_command_schedules_housekeeping_once(db):
    with open("/dev/null", "w") as quiet:
        call_command("schedule_housekeeping", stdout=quiet)
        call_command("schedule_housekeeping", stdout=quiet)
    queued = DBTaskResult.objects.filter(task_path=housekeeping.module_path)
    assert queued.count() == 1
    assert queued.get().run_after > timezone.now() + timedelta(
        seconds=settings.HOUSEKEEPING_SECONDS - 60
    )


def test_housekeeping_purges_and_schedules_itself_again(drafts, settings):
    settings.HOUSEKEEPING_SECONDS = 0
    call_command("schedule_housekeeping", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = run_ready_housekeeping()
    assert first.return_value == {"drafts": 1, "task_results": 0}
    assert not ApplicationDraft.objects.filter(pk=drafts["abandoned"].pk).exists()
    # The next one is queued, and it runs too.
    second = run_ready_housekeeping()
    assert second.pk != first.pk
    assert (
        DBTaskResult.objects.filter(
            task_path=housekeeping.module_path, status=TaskResultStatus.READY
        ).count()
        == 1
    )


def test_housekeeping_schedules_itself_even_when_a_purge_fails(db, settings):
    settings.DRAFT_RETENTION = "not a duration"
    with pytest.raises(TypeError):
        housekeeping.call()
    assert DBTaskResult.objects.filter(
        task_path=housekeeping.module_path, status=TaskResultStatus.READY
    ).exists()
