"""Hostile agency answers: each ends as a recorded attempt, nothing loops, officials are told.

Against the real agency simulator over real HTTP (its ``hostile_answer`` switch), with the
worker loop of test_delivery.py run in this thread. The attempt limit is small and retries
are due at once, so a delivery that loops shows as more tasks than attempts allowed.
"""

import unicodedata

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from constructor.applications.submission import submit_draft
from constructor.formbuilder.models import live_form_version
from constructor.integrations.delivery import answers, recovery
from constructor.integrations.delivery import attempts as delivery_module
from constructor.standins import hostile
from tests.integrations.test_delivery import (
    CODE,
    delivery_of,
    filled_draft,
    make_delivering_service,
    make_integration,
    run_tasks,
    simulator_for,
)

MAX_ATTEMPTS = 3


@pytest.fixture(autouse=True)
def quick_retries(settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 0
    settings.DELIVERY_MAX_ATTEMPTS = MAX_ATTEMPTS


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


@pytest.fixture
def officials(region, other_region, make_user):
    """The region's editor and moderator with addresses; others who must not be told."""
    told = []
    for username, group in (
        ("kaluga-editor", region.editors),
        ("kaluga-moderator", region.moderators),
    ):
        user = make_user(username, group)
        user.email = f"{username}@kaluga.example"
        user.save()
        told.append(user)
    stranger = make_user("tula-editor", other_region.editors)
    stranger.email = "tula-editor@tula.example"
    stranger.save()
    retired = make_user("kaluga-retired", region.editors)
    retired.email, retired.is_active = "retired@kaluga.example", False
    retired.save()
    return told


@pytest.fixture
def drain(django_capture_on_commit_callbacks):
    """The worker loop until the queue is empty (mail sent on commit, as in production); a
    delivery that loops fails the test."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            ran = run_tasks(limit=MAX_ATTEMPTS * 4)
        assert ran <= MAX_ATTEMPTS, f"{ran} tasks ran for one delivery: it loops"
        assert not DBTaskResult.objects.ready().filter(backend_name="delivery").exists()

    return run


def assert_displayable(text):
    assert text
    assert len(text) <= answers.EXCERPT_CHARS + 1
    assert all(ch in "\n\t" or unicodedata.category(ch)[0] != "C" for ch in text), repr(text)


@pytest.mark.parametrize("name", hostile.ANSWERS)
def test_a_hostile_5xx_answer_is_recorded_counted_and_fails_after_the_limit(
    name, agency, submit, officials, client, drain
):
    agency.set_switches(fail_500=True, hostile_answer=name)
    application = submit()
    drain()
    delivery = delivery_of(application)
    assert delivery.status == "failed"
    assert delivery.attempts == MAX_ATTEMPTS
    attempts = list(delivery.attempt_log.all())
    assert [a.outcome for a in attempts] == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    for attempt in attempts:
        assert attempt.http_status == 500
        assert attempt.error.startswith("Ведомство ответило 500")
        assert_displayable(attempt.answer)
    assert delivery.last_error.startswith("Отправка прекращена после 3 попыток")
    assert delivery.lease_until is None and delivery.lease_holder == ""
    assert recovery.requeue_undelivered() == []  # nothing left behind for the sweep

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        official.email for official in officials
    )
    message = mail.outbox[0]
    assert message.subject == f"Заявление {application.number} не доставлено в ведомство"
    assert "(3 попытки)" in message.body
    assert reverse("deliveries_admin_detail", args=[delivery.pk]) in message.body

    client.force_login(officials[0])
    listing = client.get(reverse("deliveries_admin_index")).content.decode()
    assert "Не удалось доставить в ведомство: 1 заявление." in listing
    assert application.number in listing
    detail = client.get(reverse("deliveries_admin_detail", args=[delivery.pk]))
    assert "Что ответила система ведомства" in detail.content.decode()


@pytest.mark.parametrize("name", hostile.ANSWERS)
def test_a_hostile_body_after_201_is_still_a_delivery_recorded_once(name, agency, submit, drain):
    # The status line is the agency's decision; the body only explains it.
    agency.set_switches(hostile_answer=name)
    application = submit()
    drain()
    delivery = delivery_of(application)
    assert delivery.status == "delivered"
    [attempt] = delivery.attempt_log.all()
    assert (attempt.outcome, attempt.http_status) == ("delivered", 201)
    assert_displayable(attempt.answer)
    assert len(agency.store.all()) == 1


def test_a_gzip_bomb_is_never_inflated(agency, submit, drain):
    agency.set_switches(fail_500=True, hostile_answer="gzip_bomb")
    application = submit()
    drain()
    attempt = delivery_of(application).attempt_log.first()
    assert "ответ не в текстовом виде" in attempt.error
    assert "\x00" not in attempt.answer


def test_an_unexpected_error_is_recorded_by_its_class_and_counted(
    agency, submit, officials, monkeypatch, drain
):
    def broken(delivery, body):
        raise RuntimeError("Иванова 11223344595")  # the kind of text officials must not see

    monkeypatch.setattr(delivery_module, "request_headers", broken)
    application = submit()
    drain()
    delivery = delivery_of(application)
    assert delivery.status == "failed"
    attempts = list(delivery.attempt_log.all())
    assert len(attempts) == MAX_ATTEMPTS
    for text in [delivery.last_error, *(a.error for a in attempts)]:
        assert "RuntimeError" in text
        assert "Иванова" not in text and "Traceback" not in text
    assert len(mail.outbox) == len(officials)
    assert agency.store.all() == []


def test_a_delivery_that_cannot_be_loaded_is_still_counted_and_failed(
    agency, submit, monkeypatch, drain
):
    def unreadable(delivery_id):
        raise ValueError("Expecting value: line 1 column 1 (char 0)")  # e.g. corrupt JSON

    application = submit()
    monkeypatch.setattr(delivery_module, "load", unreadable)
    drain()
    delivery = delivery_of(application)
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert all("ValueError" in a.error for a in delivery.attempt_log.all())
    assert agency.store.all() == []


def test_an_error_while_recording_is_recorded_in_its_place(agency, submit, monkeypatch, drain):
    application = submit()
    agency.set_switches(fail_500=True)
    real_enqueue = delivery_module.enqueue
    calls = []

    def queue_down_once(delivery, run_after=None):
        calls.append(delivery.pk)
        if len(calls) == 1:
            raise ConnectionError("the task queue is unavailable")
        return real_enqueue(delivery, run_after=run_after)

    monkeypatch.setattr(delivery_module, "enqueue", queue_down_once)
    drain()
    delivery = delivery_of(application)
    assert delivery.status == "failed"
    first, *others = delivery.attempt_log.all()
    assert (first.outcome, first.http_status) == ("retry", None)
    assert "ConnectionError" in first.error
    assert [a.http_status for a in others] == [500] * (MAX_ATTEMPTS - 1)


def test_deliveries_screen_counts_only_the_officials_own_failures(
    agency, submit, other_editor, client, drain
):
    agency.set_switches(fail_500=True)
    submit()
    drain()
    client.force_login(other_editor)
    listing = client.get(reverse("deliveries_admin_index")).content.decode()
    assert "Не удалось доставить" not in listing


# Reading answers safely --------------------------------------------------------------------


def test_nesting_is_measured_without_parsing_and_strings_do_not_count():
    assert answers.nesting_within('["[[[[[[", {"a": "]]]]"}, "\\"[[["]', 2)
    assert not answers.nesting_within('[{"a": [1]}]', 2)
    assert answers.nesting_within("[" * 32 + "]" * 32, answers.MAX_JSON_DEPTH)
    assert not answers.nesting_within("[" * 33, answers.MAX_JSON_DEPTH)


def test_deeply_nested_json_is_not_parsed_and_raises_nothing():
    assert answers.parsed_json("[" * 60_000) is None
    assert answers.parsed_json('{"a": ' * 10_000 + "1" + "}" * 10_000) is None
    assert answers.parsed_json('{"error": "x"}') == {"error": "x"}
    assert answers.parsed_json("1" * 10_000) is None  # too long an integer: a ValueError


@pytest.mark.parametrize(
    "body",
    [
        '{"errors": 5}',
        '{"errors": "abc"}',
        '{"errors": [null, 3, {"path": ["x"], "message": {"deep": 1}}]}',
        '{"error": {"code": 17}}',
        '{"error": "\\u0000NUL \\u202eevil\\u202c \\u0085"}',
        "[1, 2]",
        "",
    ],
)
def test_odd_json_answers_give_a_displayable_message(body):
    message = answers.agency_message(503, body)
    assert message.startswith("The agency answered 503") or message.startswith("Ведомство")
    assert all(ch in "\n\t" or unicodedata.category(ch)[0] != "C" for ch in message)


def test_answers_are_decoded_in_their_charset_when_python_knows_it():
    assert answers.decode("Ошибка".encode("cp1251"), "windows-1251") == "Ошибка"
    assert answers.decode(b"\xff ok", "no-such-charset") == "\ufffd ok"
    for hostile_charset in ("zlib", "idna", "undefined", "punycode", "utf\x00"):
        assert answers.decode(b"x\x9c", hostile_charset) == "x\ufffd"  # UTF-8 instead
