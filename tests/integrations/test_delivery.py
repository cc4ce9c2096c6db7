"""Delivering applications to the agency: against the real simulator over real HTTP.

The test settings put delivery tasks on a database task backend ("delivery"), so nothing is
sent inside the submitting transaction; ``run_tasks`` below is the worker loop, run in the
test's own thread so it shares the test database.
"""

import json
import socket
import threading
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from constructor.applications.models import Application, ApplicationDraft
from constructor.applications.progress import empty_state, summarise
from constructor.applications.submission import submit_draft
from constructor.formbuilder.models import live_form_version
from constructor.integrations.delivery import attempts as delivery_module
from constructor.integrations.delivery import recovery
from constructor.integrations.models import Agency, Delivery, DeliveryAttempt, Integration
from constructor.standins.agency import (
    AgencySimulator,
    SimulatedIntegration,
    SimulatorConfig,
)

SECRET = "delivery-test-secret"  # noqa: S105
CODE = "sfr-allowance"
NO_CONDITION = {"field": "", "operator": "equals", "value": ""}

# Helpers shared with test_reliability.py and benchmarks/delivery.py ----------------------

FORM = [
    {
        "type": "step",
        "value": {
            "key": "applicant",
            "title": "Сведения о заявителе",
            "intro": "",
            "condition": NO_CONDITION,
            "fields": [
                {
                    "type": "full_name",
                    "value": {
                        "key": "applicant_name",
                        "label": "Ваши фамилия, имя и отчество",
                        "hint": "",
                        "required": True,
                        "condition": NO_CONDITION,
                    },
                },
                {
                    "type": "snils",
                    "value": {
                        "key": "snils",
                        "label": "СНИЛС",
                        "hint": "",
                        "required": True,
                        "condition": NO_CONDITION,
                    },
                },
            ],
        },
    }
]

PAYLOAD_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["application_number", "submitted_at", "region_code", "applicant"],
    "properties": {
        "application_number": {"type": "string"},
        "submitted_at": {"type": "string", "format": "date-time"},
        "region_code": {"type": "string", "pattern": "^\\d{2}$"},
        "applicant": {
            "type": "object",
            "required": ["last_name", "first_name", "snils"],
            "properties": {
                "last_name": {"type": "string"},
                "first_name": {"type": "string"},
                "middle_name": {"type": "string"},
                "snils": {"type": "string", "pattern": "^\\d{11}$"},
            },
        },
    },
}


def rule(target, source, *, field="", constant="", system="", transforms=()):
    return {
        "type": "rule",
        "id": str(uuid.uuid4()),
        "value": {
            "target": target,
            "source": source,
            "field": field,
            "constant": constant,
            "system": system,
            "transforms": [
                {"type": kind, "value": options, "id": str(uuid.uuid4())}
                for kind, options in transforms
            ],
            "default": "",
        },
    }


MAPPING = [
    rule("/application_number", "system", system="number"),
    rule("/submitted_at", "system", system="submitted_at"),
    rule("/region_code", "system", system="region_code"),
    rule("/applicant/last_name", "field", field="applicant_name.surname"),
    rule("/applicant/first_name", "field", field="applicant_name.given_name"),
    rule("/applicant/middle_name", "field", field="applicant_name.patronymic"),
    rule("/applicant/snils", "field", field="snils", transforms=[("digits_only", {})]),
]

STEP_DATA = {
    "applicant": {
        "applicant-applicant_name_surname": ["Иванова"],
        "applicant-applicant_name_given_name": ["Анна"],
        "applicant-applicant_name_patronymic": ["Сергеевна"],
        "applicant-snils": ["112-233-445 95"],
    }
}


def make_integration(endpoint_url, *, timeout_seconds=1, code=CODE, schema=None):
    agency, _created = Agency.objects.get_or_create(
        code="sfr", defaults={"name": "Социальный фонд России", "short_name": "СФР"}
    )
    return Integration.objects.create(
        agency=agency,
        name="Единое пособие",
        code=code,
        endpoint_url=endpoint_url,
        payload_schema=schema or PAYLOAD_SCHEMA,
        hmac_secret=SECRET,
        timeout_seconds=timeout_seconds,
    )


def make_delivering_service(region, category, integration, *, slug="allowance"):
    """A published service with a one-step form, mapped onto ``PAYLOAD_SCHEMA``."""
    from constructor.services.models import ServicePage

    page = ServicePage(
        title="Единое пособие на детей",
        slug=slug,
        service_code="4000000031",
        code_level="regional",
        category=category,
        agency="Социальный фонд России",
        summary="Подайте заявление на единое пособие онлайн.",
        application_form=FORM,
        integration=integration,
        payload_mapping=MAPPING,
    )
    region.home_page.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def filled_draft(page, version):
    """A draft as the wizard leaves it after its last step."""
    draft = ApplicationDraft(page=page, form_version=version, region=page.get_site().region)
    state = empty_state()
    state["step_data"] = {key: dict(data) for key, data in STEP_DATA.items()}
    summarise(version, draft, state)
    draft.seal_answers(state)
    draft.save()
    return draft


def simulator_for(integration_code=CODE, *, schema=None, secrets=(SECRET,), **config):
    return AgencySimulator(
        SimulatorConfig(
            integrations=[
                SimulatedIntegration(
                    code=integration_code,
                    payload_schema=schema or PAYLOAD_SCHEMA,
                    secrets=tuple(secrets),
                )
            ],
            **config,
        )
    )


def run_db_workers(count, backend):
    """``count`` django-tasks-db Workers side by side until the queue is empty; their errors.

    One thread and database connection each, as that many ``db_worker`` processes would run
    (test_workers.py over PostgreSQL, and benchmarks/delivery.py's scale-out run).
    """
    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    errors = []

    def work(worker_id):
        try:
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name=backend,
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        except BaseException as error:  # noqa: BLE001 - the caller reports them
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if any(thread.is_alive() for thread in threads):
        errors.append(TimeoutError("a worker never finished"))
    return errors


# Fixtures and the in-thread worker ------------------------------------------------------


def run_tasks(limit=None, backend="delivery"):
    """The database worker's loop, in this thread: run ready tasks until none (or ``limit``)."""
    ran = 0
    while limit is None or ran < limit:
        row = DBTaskResult.objects.ready().filter(backend_name=backend).first()
        if row is None:
            break
        row.claim("test-worker")
        value = row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.set_successful(value)
        ran += 1
    return ran


@pytest.fixture(autouse=True)
def quick_retries(settings):
    # Retries due at once, so the loop can run them; the backoff itself is tested apart.
    settings.DELIVERY_RETRY_BASE_SECONDS = 0
    settings.DELIVERY_MAX_ATTEMPTS = 4


@pytest.fixture
def simulator():
    with simulator_for(hang_seconds=10) as running:
        yield running


@pytest.fixture
def integration(db, simulator):
    return make_integration(f"{simulator.url}/{CODE}/")


@pytest.fixture
def service(region, category, integration):
    return make_delivering_service(region, category, integration)


@pytest.fixture
def submit(service):
    version = live_form_version(service)

    def submit_one():
        return submit_draft(filled_draft(service, version))

    return submit_one


def delivery_of(application):
    return Delivery.objects.get(application=application)


def outcomes(delivery):
    return list(delivery.attempt_log.values_list("outcome", flat=True))


# Creating and delivering -----------------------------------------------------------------


def test_submission_stores_the_delivery_and_its_task_without_calling_the_agency(submit, simulator):
    application = submit()
    delivery = delivery_of(application)
    assert delivery.status == "pending"
    assert delivery.attempts == 0
    assert [r["target"] for r in delivery.rules][:3] == [
        "/application_number",
        "/submitted_at",
        "/region_code",
    ]
    task = DBTaskResult.objects.get(backend_name="delivery")
    assert task.args_kwargs["args"] == [delivery.pk]
    assert task.status == TaskResultStatus.READY
    assert simulator.store.all() == []


def test_no_delivery_without_an_active_integration(submit, integration):
    integration.is_active = False
    integration.save()
    application = submit()
    assert not Delivery.objects.filter(application=application).exists()
    assert not DBTaskResult.objects.exists()


def test_delivered_once_with_signed_headers_and_the_mapped_payload(submit, simulator):
    application = submit()
    assert run_tasks() == 1
    delivery = delivery_of(application)
    assert delivery.status == "delivered"
    assert delivery.delivered_at is not None
    assert delivery.lease_until is None
    [received] = simulator.store.all()
    assert received.idempotency_key == str(delivery.idempotency_key)
    assert received.payload["application_number"] == application.number
    assert received.payload["region_code"] == "40"
    assert received.payload["applicant"] == {
        "last_name": "Иванова",
        "first_name": "Анна",
        "middle_name": "Сергеевна",
        "snils": "11223344595",
    }
    [attempt] = delivery.attempt_log.all()
    assert (attempt.outcome, attempt.http_status) == ("delivered", 201)
    assert attempt.latency_ms is not None
    application.refresh_from_db()
    assert application.status == "delivered"
    # A second task for the same delivery (a duplicate) sends nothing more.
    delivery_module.enqueue(delivery)
    run_tasks()
    assert len(simulator.store.all()) == 1
    assert delivery.attempt_log.count() == 1


def test_agency_failure_is_retried_until_it_recovers(submit, simulator):
    simulator.set_switches(fail_500=True)
    application = submit()
    run_tasks(limit=2)
    delivery = delivery_of(application)
    assert delivery.status == "pending"
    assert outcomes(delivery) == ["retry", "retry"]
    assert delivery.attempt_log.first().http_status == 500
    assert "Simulated agency failure." in delivery.last_error
    simulator.set_switches(fail_500=False)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert outcomes(delivery) == ["retry", "retry", "delivered"]
    assert delivery.attempts == 3
    assert len(simulator.store.all()) == 1


def test_hanging_agency_times_out_and_is_retried(submit, simulator):
    simulator.set_switches(hang=True)
    application = submit()
    run_tasks(limit=1)
    delivery = delivery_of(application)
    [attempt] = delivery.attempt_log.all()
    assert attempt.outcome == "retry"
    assert attempt.http_status is None
    assert "1" in attempt.error and attempt.latency_ms >= 900
    simulator.set_switches(hang=False)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_closed_connection_is_retried(submit, simulator):
    simulator.set_switches(down=True)
    application = submit()
    run_tasks(limit=1)
    delivery = delivery_of(application)
    assert outcomes(delivery) == ["retry"]
    simulator.set_switches(down=False)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_refused_connection_is_retried_and_fails_after_the_last_attempt(submit, integration):
    integration.endpoint_url = f"http://127.0.0.1:{unused_port()}/{CODE}/"
    integration.save()
    application = submit()
    run_tasks()
    delivery = delivery_of(application)
    assert outcomes(delivery) == ["retry", "retry", "retry", "failed"]
    assert delivery.status == "failed"
    assert delivery.attempts == 4
    assert "4" in delivery.last_error
    assert "Could not connect" in delivery.last_error or "подключ" in delivery.last_error


def test_agency_refusing_the_payload_fails_with_its_message(region, category, db):
    stricter = {
        **PAYLOAD_SCHEMA,
        "required": [*PAYLOAD_SCHEMA["required"], "service_code"],
        "properties": {**PAYLOAD_SCHEMA["properties"], "service_code": {"type": "string"}},
    }
    with simulator_for(schema=stricter) as agency:
        integration = make_integration(f"{agency.url}/{CODE}/")
        page = make_delivering_service(region, category, integration)
        application = submit_draft(filled_draft(page, live_form_version(page)))
        run_tasks()
        assert agency.store.all() == []
    delivery = delivery_of(application)
    assert delivery.status == "failed"
    [attempt] = delivery.attempt_log.all()
    assert (attempt.outcome, attempt.http_status) == ("failed", 422)
    assert "The payload does not match the schema." in delivery.last_error
    assert "service_code" in delivery.last_error


def test_bad_signature_fails_with_the_agencys_message(region, category, db):
    with simulator_for(secrets=("the-agency-has-another-secret",)) as agency:
        integration = make_integration(f"{agency.url}/{CODE}/")
        page = make_delivering_service(region, category, integration)
        application = submit_draft(filled_draft(page, live_form_version(page)))
        run_tasks()
        assert agency.store.all() == []
    delivery = delivery_of(application)
    assert delivery.status == "failed"
    assert delivery.attempt_log.get().http_status == 401
    assert "The signature does not match." in delivery.last_error


def test_payload_invalid_for_our_own_copy_of_the_schema_is_failed_without_a_request(
    submit, simulator, integration
):
    integration.payload_schema = {
        **PAYLOAD_SCHEMA,
        "required": [*PAYLOAD_SCHEMA["required"], "benefit_code"],
        "properties": {**PAYLOAD_SCHEMA["properties"], "benefit_code": {"type": "string"}},
    }
    integration.save()
    application = submit()
    run_tasks()
    delivery = delivery_of(application)
    assert delivery.status == "failed"
    attempt = delivery.attempt_log.get()
    assert attempt.http_status is None
    assert "benefit_code" in delivery.last_error
    assert simulator.store.all() == []


def test_backoff_is_exponential_with_full_jitter_and_capped(settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 5
    settings.DELIVERY_RETRY_MAX_SECONDS = 600
    draws = [delivery_module.backoff_seconds(1) for _ in range(200)]
    assert all(0 <= d <= 5 for d in draws) and max(draws) > 2.5 and min(draws) < 2.5
    assert all(0 <= delivery_module.backoff_seconds(4) <= 40 for _ in range(50))
    assert all(delivery_module.backoff_seconds(30) <= 600 for _ in range(50))
    assert max(delivery_module.backoff_seconds(30) for _ in range(200)) > 300


def test_retry_is_a_new_task_scheduled_after_the_backoff(submit, simulator, settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 60
    simulator.set_switches(fail_500=True)
    application = submit()
    run_tasks()
    delivery = delivery_of(application)
    retry_task = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry_task.run_after == delivery.next_attempt_at
    assert timezone.now() < delivery.next_attempt_at <= timezone.now() + timedelta(seconds=61)
    assert run_tasks() == 0  # not due yet


# Crashes and requeueing ------------------------------------------------------------------


def crash_mid_attempt(delivery, *, posted):
    """What a worker killed mid-attempt leaves: a claimed lease, a task stuck "running"."""
    task = DBTaskResult.objects.ready().get(backend_name="delivery")
    task.claim("killed-worker")
    claimed = delivery_module.load(delivery.pk)
    assert delivery_module.claim(claimed, timezone.now()) is None
    if posted:  # the agency stored it, the worker died before recording the answer
        body = delivery_module.build_body(claimed)
        outcome = delivery_module.post(claimed, body)
        assert outcome.kind == "delivered"
    long_ago = timezone.now() - timedelta(hours=1)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=long_ago)
    return long_ago


def test_requeue_leaves_queued_deliveries_alone(submit, settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 60
    waiting = [submit(), submit()]
    assert recovery.requeue_undelivered() == []
    assert DBTaskResult.objects.count() == len(waiting)


def test_requeue_leaves_a_live_lease_alone(submit):
    application = submit()
    delivery = delivery_of(application)
    crash_mid_attempt(delivery, posted=False)
    assert recovery.requeue_undelivered() == []


@pytest.mark.parametrize("posted", [False, True], ids=["before-post", "after-post"])
def test_requeue_after_a_crash_delivers_exactly_once(submit, simulator, posted):
    application = submit()
    delivery = delivery_of(application)
    crash_mid_attempt(delivery, posted=posted)
    Delivery.objects.filter(pk=delivery.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert run_tasks() == 0  # the killed worker's task is gone with it

    from io import StringIO

    out = StringIO()
    call_command("requeue_undelivered", stdout=out)
    assert f"application {application.number}" in out.getvalue()
    assert "1 deliveries requeued." in out.getvalue()
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(simulator.store.all()) == 1
    assert simulator.store.all()[0].idempotency_key == str(delivery.idempotency_key)
    # Nothing left to requeue; a second run changes nothing.
    assert recovery.requeue_undelivered() == []


def test_requeue_schedules_the_periodic_sweep_once(db):
    call_command("requeue_undelivered", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("requeue_undelivered", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sweeps = DBTaskResult.objects.filter(task_path__endswith="recovery.sweep")
    assert sweeps.count() == 1
    sweep = sweeps.get()
    assert sweep.run_after > timezone.now()


def test_sweep_requeues_lost_deliveries_and_schedules_itself(submit, simulator):
    from constructor.integrations.delivery.recovery import sweep

    application = submit()
    delivery = delivery_of(application)
    crash_mid_attempt(delivery, posted=False)
    Delivery.objects.filter(pk=delivery.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert sweep.call() == {"requeued": 1}
    run_tasks()
    assert delivery_of(application).status == "delivered"
    assert DBTaskResult.objects.filter(
        task_path__endswith="recovery.sweep", status=TaskResultStatus.READY
    ).exists()


# Officials -------------------------------------------------------------------------------


@pytest.fixture
def failed_application(submit, simulator):
    simulator.set_switches(fail_500=True)
    application = submit()
    run_tasks()
    assert delivery_of(application).status == "failed"
    simulator.set_switches(fail_500=False)
    return application


def test_official_sees_failed_deliveries_first_and_the_attempts(
    client, editor, submit, failed_application
):
    delivered = submit()
    run_tasks()
    client.force_login(editor)
    listing = client.get(reverse("deliveries_admin_index")).content.decode()
    assert listing.index(failed_application.number) < listing.index(delivered.number)
    only_failed = client.get(reverse("deliveries_admin_index"), {"status": "failed"})
    assert delivered.number not in only_failed.content.decode()
    delivery = delivery_of(failed_application)
    detail = client.get(reverse("deliveries_admin_detail", args=[delivery.pk])).content.decode()
    assert detail.count("Simulated agency failure.") >= 4
    assert 'action="' + reverse("deliveries_admin_retry", args=[delivery.pk]) in detail


def test_retry_button_delivers_a_failed_application(client, editor, failed_application, simulator):
    delivery = delivery_of(failed_application)
    client.force_login(editor)
    url = reverse("deliveries_admin_retry", args=[delivery.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 5
    assert len(simulator.store.all()) == 1
    # Retrying what is not failed changes nothing.
    client.post(url)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_official_of_another_region_sees_no_delivery(client, other_editor, failed_application):
    delivery = delivery_of(failed_application)
    client.force_login(other_editor)
    listing = client.get(reverse("deliveries_admin_index"))
    assert failed_application.number not in listing.content.decode()
    assert client.get(reverse("deliveries_admin_detail", args=[delivery.pk])).status_code == 404
    assert client.post(reverse("deliveries_admin_retry", args=[delivery.pk])).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_application_count_matches(submit):
    submit()
    submit()
    assert Application.objects.count() == Delivery.objects.count() == 2


def test_the_application_page_links_to_its_delivery(client, editor, failed_application):
    delivery = delivery_of(failed_application)
    client.force_login(editor)
    page = client.get(
        reverse("applications_admin_detail", args=[failed_application.number])
    ).content.decode()
    assert reverse("deliveries_admin_detail", args=[delivery.pk]) in page
    assert "Не доставлено" in page


# Review fixes ----------------------------------------------------------------------------


class _RedirectingEndpoint:
    """A misconfigured endpoint (or a proxy in front of it): POST answers 302, GET answers 200.

    Not the agency: a stand-in for whatever sits at a wrong URL. Following the redirect would
    turn the POST into a GET without the body and count its 200 as a delivery.
    """

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.gets = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(302)
                self.send_header("Location", "/landing")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                endpoint.gets.append(dict(self.headers))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_is_never_followed_nor_counted_as_delivered(submit, integration):
    with _RedirectingEndpoint() as endpoint:
        integration.endpoint_url = f"{endpoint.url}/{CODE}/"
        integration.save()
        application = submit()
        run_tasks()
    delivery = delivery_of(application)
    assert endpoint.gets == []  # the signed headers went nowhere else
    assert delivery.status == "failed"
    assert delivery.attempt_log.get().http_status == 302
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_payload_refused_by_our_schema_keeps_no_answer_in_the_error(
    submit, simulator, integration, caplog
):
    # Answers reach the officials' deliveries screen and the logs only through the audited
    # application view: the error names the place and the rule, never the citizen's value.
    schema = json.loads(json.dumps(PAYLOAD_SCHEMA))
    schema["properties"]["applicant"]["properties"]["snils"]["pattern"] = "^0$"
    schema["properties"]["applicant"]["properties"]["last_name"]["maxLength"] = 2
    integration.payload_schema = schema
    integration.save()
    application = submit()
    run_tasks()
    delivery = delivery_of(application)
    assert delivery.status == "failed"
    attempt = delivery.attempt_log.get()
    for text in (delivery.last_error, attempt.error, caplog.text):
        assert "11223344595" not in text
        assert "Иванова" not in text
    assert "/applicant/snils" in delivery.last_error
    assert "/applicant/last_name" in delivery.last_error
    assert simulator.store.all() == []


def test_a_stale_attempt_cannot_decide_a_retried_delivery(submit):
    """An attempt whose lease ran out finishes after an official's Retry restarted the count:
    the same ``attempts`` number no longer makes it the owner; the live attempt decides."""
    from constructor.integrations.delivery.attempts import (
        Outcome,
        claim,
        finish,
        load,
        retry_failed,
    )
    from constructor.integrations.models import AttemptOutcome

    application = submit()
    pk = delivery_of(application).pk
    long_ago = timezone.now() - timedelta(hours=1)
    stale = load(pk)
    assert claim(stale, timezone.now()) is None  # attempt 1 ...
    stale.lease_until = long_ago  # ... hangs on until its lease has run out
    Delivery.objects.filter(pk=pk).update(lease_until=long_ago)
    taken_over = load(pk)
    assert claim(taken_over, timezone.now()) is None  # attempt 2
    finish(taken_over, timezone.now(), Outcome(AttemptOutcome.FAILED, 422, "refused"))
    assert retry_failed(delivery_of(application))  # attempts back to 0
    live = load(pk)
    assert claim(live, timezone.now()) is None  # attempt 1 again, a live lease
    refused = Outcome(AttemptOutcome.FAILED, 422, "stale refusal")
    assert finish(stale, long_ago, refused) == "late-failed"
    assert delivery_of(application).status == "pending"
    assert finish(live, timezone.now(), Outcome(AttemptOutcome.DELIVERED, 201)) == "delivered"
    assert delivery_of(application).status == "delivered"
