"""The agency simulator reports statuses back to the site over real HTTP, signed."""

# ruff: noqa: S310, F811 - local test servers only; statushelpers fixtures as arguments

import json
import socket
import time
import urllib.request
import uuid

import pytest
from django.core.management import CommandError, call_command

from constructor.applications.models import Application, ApplicationEvent
from constructor.integrations import signing
from constructor.standins.agency import (
    AgencySimulator,
    CallbackStep,
    SimulatedIntegration,
    SimulatorConfig,
    callback_plan,
    reachable_base,
)
from tests.applications.statushelpers import (  # noqa: F401 - fixtures
    SECRET,
    integration,
    make_application,
    status_service,
    wait_for,
)

# live_server needs committed data; the serialized rollback restores Wagtail's root page
# (created by a migration) that flushing the tables would otherwise lose for later tests.
live = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def simulated(integration):
    return SimulatedIntegration(
        code=integration.code,
        payload_schema=integration.payload_schema,
        secrets=(integration.hmac_secret,),
    )


def deliver(simulator, code, number, key=None):
    """POST a signed delivery to the simulator the way the delivery worker does."""
    body = json.dumps({"number": number}).encode()
    timestamp = str(int(time.time()))
    key = key or str(uuid.uuid4())
    request = urllib.request.Request(
        f"{simulator.url}/{code}/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Timestamp": timestamp,
            "X-Signature": signing.signature(SECRET, body, timestamp, key),
            "Idempotency-Key": key,
            "X-Application-Number": number,
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def config_for(integration, base, plan, **extra):
    return SimulatorConfig(
        integrations=[simulated(integration)],
        callback_base=base,
        callback_plan=plan,
        callback_retry_seconds=0.05,
        **extra,
    )


def status_of(application):
    return Application.objects.get(pk=application.pk).status


@live
def test_the_simulator_calls_back_with_signed_statuses(live_server, make_application, integration):
    application = make_application()
    plan = callback_plan("accepted,in_progress,approved", "0.1,0.2,0.3")
    with AgencySimulator(config_for(integration, live_server.url, plan)) as simulator:
        assert deliver(simulator, integration.code, application.number)[0] == 201
        assert wait_for(lambda: status_of(application) == "approved", timeout=30)
        assert wait_for(lambda: len(simulator.callbacks.results) == 3, timeout=30)
    results = simulator.callbacks.results
    assert [(r.status, r.http_status) for r in results] == [
        ("accepted", 200),
        ("in_progress", 200),
        ("approved", 200),
    ]
    events = list(ApplicationEvent.objects.filter(application=application))
    assert [e.status_to for e in events] == ["accepted", "in_progress", "approved"]
    assert {e.actor for e in events} == {f"agency:{integration.code}"}
    assert len({e.event_key for e in events}) == 3


@live
def test_end_to_end_delivery_then_callbacks(live_server, make_application, integration):
    """Our delivery worker's attempt reaches the simulator, which calls the site back."""
    from constructor.integrations.delivery.attempts import attempt
    from constructor.integrations.models import Delivery

    plan = callback_plan("accepted,approved", "0.1,0.2")
    with AgencySimulator(config_for(integration, live_server.url, plan)) as simulator:
        integration.endpoint_url = f"{simulator.url}/{integration.code}/"
        integration.save()
        application = make_application()
        delivery = Delivery.objects.get(application=application)
        attempt(delivery.pk)
        assert wait_for(lambda: status_of(application) == "approved", timeout=30)
        assert simulator.callbacks.scheduled == [application.number]
    statuses = set(
        ApplicationEvent.objects.filter(application=application).values_list("status_to", flat=True)
    )
    # "delivered" may arrive before or after the agency's "accepted": either way it is kept.
    assert statuses == {"delivered", "accepted", "approved"}


@live
def test_refusal_and_completion_scripts(live_server, make_application, integration):
    refused, completed = make_application(), make_application()
    with AgencySimulator(
        config_for(integration, live_server.url, callback_plan("refused", "0"))
    ) as simulator:
        deliver(simulator, integration.code, refused.number)
        assert wait_for(lambda: status_of(refused) == "refused", timeout=30)
    event = ApplicationEvent.objects.get(application=refused)
    assert "закреплённой" in event.message

    plan = callback_plan("approved,completed", "0,0.1")
    with AgencySimulator(config_for(integration, live_server.url, plan)) as simulator:
        deliver(simulator, integration.code, completed.number)
        assert wait_for(lambda: status_of(completed) == "completed", timeout=30)
        document = ApplicationEvent.objects.get(application=completed, status_to="completed")
        assert document.document_url.startswith(f"{simulator.url}/documents/SIM-")
        with urllib.request.urlopen(document.document_url, timeout=10) as response:
            text = response.read().decode()
    assert completed.number in text


@live
def test_a_replayed_delivery_schedules_no_more_callbacks(
    live_server, make_application, integration
):
    application = make_application()
    plan = [CallbackStep(0.0, "accepted")]
    with AgencySimulator(config_for(integration, live_server.url, plan)) as simulator:
        key = str(uuid.uuid4())
        first = deliver(simulator, integration.code, application.number, key)
        again = deliver(simulator, integration.code, application.number, key)
        assert first == again
        # Scheduling happens before the simulator answers: the replay added nothing.
        assert simulator.callbacks.scheduled == [application.number]
        assert wait_for(lambda: status_of(application) == "accepted", timeout=30)
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_no_callback_base_means_no_callbacks(make_application, integration):
    application = make_application()
    with AgencySimulator(SimulatorConfig(integrations=[simulated(integration)])) as simulator:
        assert deliver(simulator, integration.code, application.number)[0] == 201
        assert simulator.callbacks is None
    assert status_of(application) == "submitted"


def test_callbacks_are_retried_when_the_site_is_unreachable(integration):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    config = config_for(
        integration,
        f"http://127.0.0.1:{closed_port}",
        [CallbackStep(0.0, "accepted")],
        callback_attempts=3,
    )
    with AgencySimulator(config) as simulator:
        deliver(simulator, integration.code, "40-2026-000001")
        assert wait_for(lambda: simulator.callbacks.results, timeout=30)
    (result,) = simulator.callbacks.results
    assert (result.http_status, result.attempts) == (None, 3)


def test_a_failing_site_is_retried_until_it_answers(integration):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    seen = []

    class Flaky(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.path, self.headers["X-Timestamp"], self.headers["X-Signature"], body))
            self.send_response(503 if len(seen) == 1 else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    site = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{site.server_address[1]}"
        plan = [CallbackStep(0.0, "info_needed", "Приложите справку о регистрации.")]
        with AgencySimulator(config_for(integration, base, plan)) as simulator:
            deliver(simulator, integration.code, "40-2026-000007")
            assert wait_for(lambda: simulator.callbacks.results, timeout=30)
    finally:
        site.shutdown()
        site.server_close()
    (result,) = simulator.callbacks.results
    assert (result.http_status, result.attempts) == (200, 2)
    assert len(seen) == 2
    path, timestamp, signature, body = seen[1]
    assert path == "/api/v1/applications/40-2026-000007/status"
    assert signature == signing.signature(SECRET, body, timestamp, "40-2026-000007")
    # The number is part of what is signed: the same body for another number does not verify.
    assert signature != signing.signature(SECRET, body, timestamp, "40-2026-000008")
    sent = json.loads(body)
    assert sent["status"] == "info_needed"
    assert sent["message"] == "Приложите справку о регистрации."
    # The retry carries the same event id: the site records it once.
    assert json.loads(seen[0][3])["event_id"] == sent["event_id"]


def test_plans_from_the_command_line():
    plan = callback_plan("accepted,info_needed,in_progress,refused:Нет оснований", "1,2")
    assert [(s.status, s.delay) for s in plan] == [
        ("accepted", 1.0),
        ("info_needed", 2.0),
        ("in_progress", 3.0),
        ("refused", 4.0),
    ]
    assert plan[1].message
    assert plan[3].message == "Нет оснований"
    with pytest.raises(ValueError, match="Unknown callback status"):
        callback_plan("lost")
    assert reachable_base("http://0.0.0.0:8000/") == "http://127.0.0.1:8000"
    assert reachable_base("http://kaluga.localhost:8000") == "http://kaluga.localhost:8000"
    with pytest.raises(ValueError, match="negative"):
        callback_plan("accepted", "-1")


@pytest.mark.django_db
def test_the_command_refuses_a_bad_plan():
    with pytest.raises(CommandError, match="Unknown callback status"):
        call_command("agency_simulator", "--callback-statuses", "lost")
    with pytest.raises(CommandError, match="callback-base"):
        call_command("agency_simulator", "--callback-base", "ftp://example.ru")
