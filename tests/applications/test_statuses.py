"""The status state machine: every allowed move, every refused one, replays and no-ops."""

# ruff: noqa: F811 - the fixtures imported from statushelpers are used as arguments

import pytest

from constructor.applications.models import ApplicationEvent
from constructor.applications.statuses import (
    TRANSITIONS,
    InvalidStatusChange,
    TransitionNotAllowed,
    record_status,
)
from tests.applications.statushelpers import (  # noqa: F401 - fixtures
    integration,
    make_application,
    status_service,
)

pytestmark = pytest.mark.django_db(transaction=False)

ALL = [
    "submitted",
    "delivered",
    "accepted",
    "in_progress",
    "info_needed",
    "approved",
    "refused",
    "completed",
]

# The shortest way from "submitted" to each status through allowed moves.
PATH = {
    "submitted": [],
    "delivered": ["delivered"],
    "accepted": ["delivered", "accepted"],
    "in_progress": ["delivered", "accepted", "in_progress"],
    "info_needed": ["delivered", "accepted", "in_progress", "info_needed"],
    "approved": ["delivered", "accepted", "approved"],
    "refused": ["delivered", "accepted", "refused"],
    "completed": ["delivered", "accepted", "approved", "completed"],
}


def reason(status):
    return "Не приложена справка о регистрации." if status in ("refused", "info_needed") else ""


def move(application, status, **kwargs):
    kwargs.setdefault("message", reason(status))
    return record_status(application, status, actor="agency:test", **kwargs)


def at(make_application, status):
    application = make_application()
    for step in PATH[status]:
        assert move(application, step) is not None
    application.refresh_from_db()
    assert application.status == status
    return application


EXPECTED = {
    "submitted": {"delivered", "accepted", "in_progress", "info_needed", "approved", "refused"},
    "delivered": {"accepted", "in_progress", "info_needed", "approved", "refused"},
    "accepted": {"in_progress", "info_needed", "approved", "refused"},
    "in_progress": {"info_needed", "approved", "refused"},
    "info_needed": {"in_progress", "approved", "refused"},
    "approved": {"completed"},
    "refused": set(),
    "completed": set(),
}


def test_the_table_is_the_documented_machine():
    assert {str(k): {str(s) for s in v} for k, v in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(
    ("start", "target"),
    [(start, target) for start in ALL for target in ALL[1:] if target != start],
)
def test_every_transition_rule(make_application, start, target):
    application = at(make_application, start)
    before = application.events.count()
    late_delivery = target == "delivered" and start not in ("submitted",)
    if target in EXPECTED[start]:
        event = move(application, target)
        assert event is not None
        assert (event.status_from, event.status_to) == (start, target)
        application.refresh_from_db()
        assert application.status == target
        assert application.events.count() == before + 1
    elif late_delivery:
        # "delivered" after a later status was already recorded once on the way: nothing new.
        assert move(application, target) is None
        application.refresh_from_db()
        assert application.status == start
        assert application.events.count() == before
    else:
        with pytest.raises(TransitionNotAllowed):
            move(application, target)
        application.refresh_from_db()
        assert application.status == start
        assert application.events.count() == before


def test_a_late_delivered_is_kept_without_moving_back(make_application):
    application = make_application()
    move(application, "accepted")
    event = move(application, "delivered")
    assert event is not None
    assert (event.status_from, event.status_to) == ("accepted", "delivered")
    application.refresh_from_db()
    assert application.status == "accepted"
    # Only once.
    assert move(application, "delivered") is None
    assert application.events.filter(status_to="delivered").count() == 1


def test_replaying_an_event_key_records_once(make_application):
    application = make_application()
    first = move(application, "accepted", event_key="evt-1")
    assert first is not None
    assert move(application, "accepted", event_key="evt-1") is None
    # A replay is recognised by its key even when the status moved on since.
    move(application, "in_progress", event_key="evt-2")
    assert move(application, "accepted", event_key="evt-1") is None
    assert application.events.count() == 2


def test_the_same_status_with_a_new_key_is_a_no_op(make_application):
    application = make_application()
    move(application, "accepted", event_key="evt-1")
    assert move(application, "accepted", event_key="evt-2") is None
    assert application.events.count() == 1


def test_keys_are_per_application(make_application):
    first, second = make_application(), make_application()
    assert move(first, "accepted", event_key="evt-1") is not None
    assert move(second, "accepted", event_key="evt-1") is not None


@pytest.mark.parametrize("status", ["refused", "info_needed"])
def test_refusal_and_questions_need_a_message(make_application, status):
    application = at(make_application, "in_progress")
    with pytest.raises(InvalidStatusChange):
        move(application, status, message="   ")
    assert application.events.count() == 3


def test_completed_carries_the_document_link(make_application):
    application = at(make_application, "approved")
    event = move(application, "completed", document_url="https://docs.example.ru/result/1.pdf")
    assert event.document_url == "https://docs.example.ru/result/1.pdf"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.ru/x", "не ссылка"])
def test_only_web_links_are_accepted(make_application, url):
    application = at(make_application, "approved")
    with pytest.raises(InvalidStatusChange):
        move(application, "completed", document_url=url)


@pytest.mark.parametrize("status", ["draft", "submitted", "lost"])
def test_unknown_or_internal_statuses_are_refused(make_application, status):
    with pytest.raises(InvalidStatusChange):
        move(make_application(), status)


def test_the_callers_instance_follows_and_the_event_has_the_actor(make_application):
    application = make_application()
    event = record_status(application, "delivered", actor="system")
    assert application.status == "delivered"
    assert event.actor == "system"
    assert event.created_at is not None
    assert ApplicationEvent.objects.get().application_id == application.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_callbacks_record_one_event_each_key(make_application):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer, so only PostgreSQL shows a race")
    application = make_application()
    # Eight deliveries of the same two callbacks at once: a replay storm and a race between
    # "accepted" and "in_progress" for the same application.
    calls = [("accepted", "evt-accepted"), ("in_progress", "evt-progress")] * 4
    barrier = threading.Barrier(len(calls))
    outcomes, errors = [], []

    def call(status, key):
        try:
            barrier.wait()
            outcomes.append(record_status(application.pk, status, actor="agency:t", event_key=key))
        except TransitionNotAllowed:
            outcomes.append("409")  # "accepted" after "in_progress" won the race
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=pair) for pair in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    events = list(ApplicationEvent.objects.filter(application=application))
    assert len({event.event_key for event in events}) == len(events)
    application.refresh_from_db()
    assert application.status == "in_progress"
    assert events[-1].status_to == "in_progress"
    assert all(e.status_from != e.status_to for e in events)
