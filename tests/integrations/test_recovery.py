"""Recovery: a dead worker's delivery is taken over at once; a backlog drains when the agency
is back, a few at a time, without waiting out its back-off.

Against the real simulator over real HTTP, with the worker loop of test_delivery.py run in
this thread. A dead holder is a real process that has exited (its identity printed by it);
test_reliability.py kills a real ``db_worker`` in the middle of a POST.
"""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from constructor.applications.submission import submit_draft
from constructor.formbuilder.models import live_form_version
from constructor.integrations.delivery import attempts as delivery_module
from constructor.integrations.delivery import holders, recovery
from constructor.integrations.models import Delivery
from tests.integrations.test_delivery import (
    CODE,
    delivery_of,
    filled_draft,
    make_delivering_service,
    make_integration,
    run_tasks,
    simulator_for,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def quick_retries(settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 0
    settings.DELIVERY_MAX_ATTEMPTS = 4
    settings.DELIVERY_LEASE_SECONDS = 30  # the production margin: recovery must not wait on it


@pytest.fixture
def agency():
    with simulator_for(hang_seconds=5) as running:
        yield running


@pytest.fixture
def submit(region, category, agency):
    integration = make_integration(f"{agency.url}/{CODE}/", timeout_seconds=1)
    page = make_delivering_service(region, category, integration)
    version = live_form_version(page)
    return lambda: submit_draft(filled_draft(page, version))


@pytest.fixture(scope="module")
def dead_holder():
    """The lease-holder identity of a worker process that is no longer running."""
    code = (
        "from constructor.integrations.delivery.holders import this_process; print(this_process())"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    return finished.stdout.strip()


def killed_mid_attempt(delivery, holder):
    """What a worker killed during its POST leaves: its task just started, its lease fresh."""
    task = DBTaskResult.objects.ready().get(backend_name="delivery")
    task.claim("killed-worker")
    claimed = delivery_module.load(delivery.pk)
    assert delivery_module.claim(claimed, timezone.now()) is None
    Delivery.objects.filter(pk=delivery.pk).update(lease_holder=holder)
    delivery.refresh_from_db()
    assert delivery.lease_until > timezone.now() + timedelta(seconds=25)


def test_a_dead_workers_delivery_is_requeued_at_once(submit, agency, dead_holder):
    application = submit()
    delivery = delivery_of(application)
    killed_mid_attempt(delivery, dead_holder)
    assert recovery.requeue_undelivered() == [delivery.pk]
    [interrupted] = delivery.attempt_log.all()
    assert interrupted.outcome == "retry"
    assert "обработчик остановился" in interrupted.error
    assert run_tasks() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(agency.store.all()) == 1
    assert recovery.requeue_undelivered() == []


@pytest.mark.parametrize("whose", ["this-process", "another-machine", "unreadable"])
def test_a_lease_whose_holder_may_be_alive_waits_until_it_runs_out(submit, whose):
    holder = {
        "this-process": holders.this_process(),
        "another-machine": "elsewhere:4242:1000:another-boot-id:4026531836",
        "unreadable": "a worker",
    }[whose]
    application = submit()
    delivery = delivery_of(application)
    killed_mid_attempt(delivery, holder)
    assert recovery.requeue_undelivered() == []
    Delivery.objects.filter(pk=delivery.pk).update(lease_until=timezone.now())
    assert recovery.requeue_undelivered() == [delivery.pk]
    assert "не завершилась вовремя" in delivery.attempt_log.get().error


def test_a_holder_whose_pid_was_reused_is_gone():
    hostname, pid, started, boot, namespace = holders.this_process().split(":")
    assert not holders.gone(holders.this_process())
    reused = ":".join((hostname, pid, str(int(started or 0) + 1), boot, namespace))
    assert holders.gone(reused) == bool(started)  # without /proc a pid is all there is


def test_attempts_that_kill_their_worker_count_towards_the_limit(
    submit, dead_holder, region, make_user, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    official = make_user("kaluga-editor", region.editors)
    official.email = "editor@kaluga.example"
    official.save()
    application = submit()
    delivery = delivery_of(application)
    killed_mid_attempt(delivery, dead_holder)
    assert recovery.requeue_undelivered() == [delivery.pk]
    killed_mid_attempt(delivery, dead_holder)
    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.requeue_undelivered() == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert [a.outcome for a in delivery.attempt_log.all()] == ["retry", "failed"]
    [message] = mail.outbox
    assert message.to == [official.email]
    assert not DBTaskResult.objects.ready().filter(backend_name="delivery").exists()


def test_after_an_outage_the_backlog_is_pulled_forward_a_few_at_a_time(submit, agency, settings):
    settings.DELIVERY_DRAIN_CONCURRENCY = 2
    settings.DELIVERY_RETRY_BASE_SECONDS = settings.DELIVERY_RETRY_MAX_SECONDS = 3600
    agency.set_switches(fail_500=True)
    backlog = [delivery_of(submit()) for _ in range(5)]
    run_tasks()
    # A long outage: every delivery now waits an hour on its back-off.
    later = timezone.now() + timedelta(hours=1)
    Delivery.objects.filter(pk__in=[d.pk for d in backlog]).update(next_attempt_at=later)
    run_tasks()
    assert Delivery.objects.filter(status="pending").count() == len(backlog)

    agency.set_switches(fail_500=False)
    probe = delivery_of(submit())
    assert delivery_module.attempt(probe.pk) == "delivered"
    scheduled = dict(
        Delivery.objects.filter(pk__in=[d.pk for d in backlog]).values_list("pk", "next_attempt_at")
    )
    due = sorted(pk for pk, at in scheduled.items() if at <= timezone.now())
    assert due == [backlog[0].pk, backlog[1].pk]  # the oldest, as many as the concurrency
    assert all(scheduled[d.pk] == later for d in backlog[2:])

    run_tasks()  # each success pulls the next one forward
    for delivery in backlog:
        delivery.refresh_from_db()
        assert delivery.status == "delivered"
        assert delivery.delivered_at < later
    assert len(agency.store.all()) == 6


def test_a_success_pulls_nothing_forward_while_enough_are_due(submit, agency, settings):
    settings.DELIVERY_DRAIN_CONCURRENCY = 2
    waiting = delivery_of(submit())
    Delivery.objects.filter(pk=waiting.pk).update(
        attempts=1, next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    queued = [delivery_of(submit()) for _ in range(3)]
    assert delivery_module.pull_forward(waiting.integration_id, timezone.now()) == []
    for delivery in queued:
        assert delivery_module.attempt(delivery.pk) == "delivered"
    waiting.refresh_from_db()
    assert waiting.next_attempt_at <= timezone.now()  # pulled once the queue was short
