"""The agency simulator behaves like a strict agency over real HTTP on loopback."""

# ruff: noqa: S310 - every URL opened here is our own simulator on a local address

import hashlib
import hmac
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from constructor.standins import hostile
from constructor.standins.agency import (
    AgencySimulator,
    SimulatedIntegration,
    SimulatorConfig,
    Switches,
    is_loopback_client,
)

SECRET = "kindergarten-current-secret"
PREVIOUS_SECRET = "kindergarten-previous-secret"

KINDERGARTEN_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["child", "applicant"],
    "additionalProperties": False,
    "properties": {
        "child": {
            "type": "object",
            "required": ["full_name", "birth_date"],
            "properties": {
                "full_name": {"type": "string", "minLength": 1},
                "birth_date": {"type": "string", "format": "date"},
            },
        },
        "applicant": {
            "type": "object",
            "required": ["snils"],
            "properties": {"snils": {"type": "string", "pattern": "^[0-9]{11}$"}},
        },
    },
}

VALID_PAYLOAD = {
    "child": {"full_name": "Иванов Пётр Сергеевич", "birth_date": "2023-04-17"},
    "applicant": {"snils": "11223344595"},
}


def sign(secret, body, timestamp, key):
    """Written from the agency contract, independently of the simulator's own helper."""
    message = f"{timestamp}.{key}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def post(url, payload, *, key="application-1", secret=SECRET, timestamp=None, headers=None):
    """POST like the delivery worker does; returns (status, JSON answer)."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    sent_headers = {
        "Content-Type": "application/json",
        "X-Timestamp": timestamp,
        "X-Signature": sign(secret, body, timestamp, key),
        "Idempotency-Key": key,
    }
    sent_headers.update(headers or {})
    request = urllib.request.Request(
        url, data=body, headers={k: v for k, v in sent_headers.items() if v is not None}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def control(simulator, **switches):
    request = urllib.request.Request(
        f"{simulator.url}/_control", data=json.dumps(switches).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)["switches"]


def received(simulator):
    with urllib.request.urlopen(f"{simulator.url}/_received", timeout=5) as response:
        return json.load(response)["received"]


def kindergarten():
    return SimulatedIntegration(
        code="kindergarten-queue",
        payload_schema=KINDERGARTEN_SCHEMA,
        secrets=(SECRET, PREVIOUS_SECRET),
    )


@pytest.fixture
def log_lines():
    return []


@pytest.fixture
def simulator(log_lines):
    config = SimulatorConfig(integrations=[kindergarten()], hang_seconds=2, log=log_lines.append)
    with AgencySimulator(config) as running:
        yield running


@pytest.fixture
def endpoint(simulator):
    return f"{simulator.url}/kindergarten-queue/"


def test_signed_valid_payload_is_stored_with_an_agency_reference(simulator, endpoint, log_lines):
    status, answer = post(endpoint, VALID_PAYLOAD)

    assert status == 201
    assert answer["reference"].startswith("SIM-")
    [stored] = received(simulator)
    assert stored["payload"] == VALID_PAYLOAD
    assert stored["reference"] == answer["reference"]
    assert (stored["integration"], stored["idempotency_key"]) == (
        "kindergarten-queue",
        "application-1",
    )
    assert any('"POST /kindergarten-queue/" 201' in line for line in log_lines)


def test_previous_secret_is_still_accepted_during_rotation(simulator, endpoint):
    status, _ = post(endpoint, VALID_PAYLOAD, secret=PREVIOUS_SECRET)
    assert status == 201


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Signature": "0" * 64},
        {"X-Signature": None},
        {"X-Timestamp": None},
        {"X-Timestamp": "yesterday"},
    ],
    ids=["wrong", "missing-signature", "missing-timestamp", "garbled-timestamp"],
)
def test_bad_or_missing_signature_is_refused_and_nothing_stored(simulator, endpoint, headers):
    status, answer = post(endpoint, VALID_PAYLOAD, headers=headers)

    assert status == 401
    assert answer["error"]
    assert received(simulator) == []


def test_a_captured_delivery_cannot_come_back_under_a_new_key(simulator, endpoint):
    # The idempotency key is signed: resending the body with a fresh key is refused, so a
    # captured request cannot create a second application at the agency.
    body = json.dumps(VALID_PAYLOAD, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    captured = sign(SECRET, body, timestamp, "application-1")
    status, _answer = post(
        endpoint,
        VALID_PAYLOAD,
        key="application-2",
        timestamp=timestamp,
        headers={"X-Signature": captured},
    )
    assert status == 401
    assert received(simulator) == []


def test_signature_made_with_an_unknown_secret_is_refused(simulator, endpoint):
    status, _ = post(endpoint, VALID_PAYLOAD, secret="someone-elses-secret")
    assert status == 401


def test_stale_timestamp_is_refused_even_when_correctly_signed(simulator, endpoint):
    six_minutes_ago = int(time.time()) - 6 * 60

    status, answer = post(endpoint, VALID_PAYLOAD, timestamp=six_minutes_ago)

    assert status == 401
    assert "5 minutes" in answer["error"]
    assert received(simulator) == []


def test_schema_violation_is_refused_with_the_failing_paths(simulator, endpoint):
    payload = {
        "child": {"full_name": "Иванов Пётр Сергеевич", "birth_date": "17.04.2023"},
        "applicant": {"snils": "112-233-445 95"},
    }

    status, answer = post(endpoint, payload)

    assert status == 422
    paths = {error["path"] for error in answer["errors"]}
    assert paths == {"/applicant/snils", "/child/birth_date"}
    assert all(error["message"] for error in answer["errors"])
    assert received(simulator) == []


def test_missing_idempotency_key_is_refused(simulator, endpoint):
    status, answer = post(endpoint, VALID_PAYLOAD, headers={"Idempotency-Key": None})
    assert status == 400
    assert "Idempotency-Key" in answer["error"]


def test_unknown_integration_is_not_found(simulator):
    status, _ = post(f"{simulator.url}/no-such-agency/", VALID_PAYLOAD)
    assert status == 404


def test_replay_with_the_same_idempotency_key_gets_the_original_answer_and_stores_once(
    simulator, endpoint
):
    first = post(endpoint, VALID_PAYLOAD, key="application-7")
    replay = post(endpoint, VALID_PAYLOAD, key="application-7")
    other = post(endpoint, VALID_PAYLOAD, key="application-8")

    assert replay == first
    assert other[1]["reference"] != first[1]["reference"]
    assert [r["idempotency_key"] for r in received(simulator)] == [
        "application-7",
        "application-8",
    ]


def test_concurrent_replays_store_one_application(simulator, endpoint):
    start = threading.Barrier(8)
    answers = []

    def deliver():
        start.wait()
        answers.append(post(endpoint, VALID_PAYLOAD, key="raced"))

    workers = [threading.Thread(target=deliver) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert len({json.dumps(answer) for answer in answers}) == 1
    assert answers[0][0] == 201
    assert len(received(simulator)) == 1


def test_fail_500_switch_answers_500_and_stores_nothing(simulator, endpoint):
    assert control(simulator, fail_500=True)["fail_500"] is True

    status, _ = post(endpoint, VALID_PAYLOAD)

    assert status == 500
    assert received(simulator) == []
    control(simulator, fail_500=False)
    assert post(endpoint, VALID_PAYLOAD)[0] == 201


def test_down_switch_drops_the_connection_without_an_answer(simulator, endpoint, log_lines):
    control(simulator, down=True)

    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        post(endpoint, VALID_PAYLOAD)

    assert received(simulator) == []
    control(simulator, down=False)
    assert post(endpoint, VALID_PAYLOAD)[0] == 201


def test_hang_switch_outlasts_the_client_timeout(simulator, endpoint):
    control(simulator, hang=True)
    body = json.dumps(VALID_PAYLOAD).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        endpoint,
        data=body,
        headers={
            "X-Timestamp": timestamp,
            "X-Signature": sign(SECRET, body, timestamp, "slow"),
            "Idempotency-Key": "slow",
        },
    )

    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        urllib.request.urlopen(request, timeout=0.5)

    assert received(simulator) == []


def test_delay_switch_answers_normally_but_late(simulator, endpoint):
    control(simulator, delay_ms=150)

    started = time.monotonic()
    status, _ = post(endpoint, VALID_PAYLOAD)

    assert status == 201
    assert time.monotonic() - started >= 0.15


def test_switches_can_be_set_at_start():
    config = SimulatorConfig(integrations=[kindergarten()], switches=Switches(fail_500=True))
    with AgencySimulator(config) as simulator:
        status, _ = post(f"{simulator.url}/kindergarten-queue/", VALID_PAYLOAD)
    assert status == 500


def test_control_rejects_unknown_or_mistyped_switches(simulator):
    for changes in ({"explode": True}, {"delay_ms": "soon"}, {"down": 1}):
        request = urllib.request.Request(
            f"{simulator.url}/_control", data=json.dumps(changes).encode(), method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 400
    assert simulator.switches() == Switches()


def non_loopback_address():
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if is_loopback_client(address) else address


def test_control_and_received_refuse_clients_outside_loopback():
    address = non_loopback_address()
    if address is None:
        pytest.skip("This machine has no non-loopback IPv4 address to call from.")
    config = SimulatorConfig(integrations=[kindergarten()])
    with AgencySimulator(config, host="0.0.0.0", port=0) as simulator:  # noqa: S104
        remote = f"http://{address}:{simulator.port}"
        request = urllib.request.Request(
            f"{remote}/_control", data=json.dumps({"down": True}).encode(), method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 403
        with pytest.raises(urllib.error.HTTPError) as hidden:
            urllib.request.urlopen(f"{remote}/_received", timeout=5)
        assert hidden.value.code == 403
        assert simulator.switches().down is False
        assert post(f"{remote}/kindergarten-queue/", VALID_PAYLOAD)[0] == 201


def test_loopback_check_covers_ipv6_and_mapped_addresses():
    assert is_loopback_client("127.0.0.1")
    assert is_loopback_client("::1")
    assert is_loopback_client("::ffff:127.0.0.1")
    assert not is_loopback_client("192.0.2.10")
    assert not is_loopback_client("not-an-address")


def test_json_lines_store_survives_a_restart_and_keeps_deduplicating(tmp_path):
    store = tmp_path / "received.jsonl"
    config = SimulatorConfig(integrations=[kindergarten()], store_path=store)
    with AgencySimulator(config) as simulator:
        first = post(f"{simulator.url}/kindergarten-queue/", VALID_PAYLOAD, key="before-crash")

    config = SimulatorConfig(integrations=[kindergarten()], store_path=store)
    with AgencySimulator(config) as restarted:
        replay = post(f"{restarted.url}/kindergarten-queue/", VALID_PAYLOAD, key="before-crash")
        fresh = post(f"{restarted.url}/kindergarten-queue/", VALID_PAYLOAD, key="after-crash")
        stored = received(restarted)

    assert replay == first
    assert fresh[1]["reference"] != first[1]["reference"]
    assert [r["idempotency_key"] for r in stored] == ["before-crash", "after-crash"]
    assert len(store.read_text(encoding="utf-8").splitlines()) == 2


def test_received_listeners_hear_each_new_application_once():
    heard = []
    config = SimulatorConfig(integrations=[kindergarten()], on_received=[heard.append])
    with AgencySimulator(config) as simulator:
        endpoint = f"{simulator.url}/kindergarten-queue/"
        post(endpoint, VALID_PAYLOAD, key="once")
        post(endpoint, VALID_PAYLOAD, key="once")

    assert [record.idempotency_key for record in heard] == ["once"]


def test_an_invalid_agency_schema_is_refused_up_front():
    from jsonschema.exceptions import SchemaError

    with pytest.raises(SchemaError):
        SimulatedIntegration(code="broken", payload_schema={"type": "nonsense"}, secrets=("s",))


def integration_models():
    from django.apps import apps

    if not apps.is_installed("constructor.integrations"):
        pytest.skip("The integrations app (Agency, Integration models) is not installed yet.")
    return apps.get_model("integrations", "Agency"), apps.get_model("integrations", "Integration")


@pytest.mark.django_db
def test_command_serves_active_integrations_and_accepts_their_own_signatures():
    from constructor.standins.management.commands.agency_simulator import (
        integrations_from_database,
    )

    agency_model, integration_model = integration_models()
    agency = agency_model.objects.create(
        name="Департамент образования Калужской области", short_name="Минобр", code="minobr-40"
    )
    queue = integration_model.objects.create(
        agency=agency,
        name="Постановка в очередь в детский сад",
        code="kindergarten-queue",
        endpoint_url="http://127.0.0.1:8765/kindergarten-queue/",
        payload_schema=KINDERGARTEN_SCHEMA,
        hmac_secret=SECRET,
        previous_hmac_secret="",
        is_active=True,
    )
    integration_model.objects.create(
        agency=agency,
        name="Выключенная интеграция",
        code="retired",
        endpoint_url="http://127.0.0.1:8765/retired/",
        payload_schema=KINDERGARTEN_SCHEMA,
        hmac_secret=SECRET,
        is_active=False,
    )

    loaded = integrations_from_database()

    assert [integration.code for integration in loaded] == ["kindergarten-queue"]
    body = json.dumps(VALID_PAYLOAD).encode()
    timestamp = str(int(time.time()))
    with AgencySimulator(SimulatorConfig(integrations=loaded)) as simulator:
        request = urllib.request.Request(
            f"{simulator.url}/kindergarten-queue/",
            data=body,
            headers={
                "X-Timestamp": timestamp,
                "X-Signature": queue.sign(body, timestamp, subject="from-the-model"),
                "Idempotency-Key": "from-the-model",
            },
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 201


# Hostile answers ---------------------------------------------------------------------------


def raw_post(endpoint, payload=VALID_PAYLOAD, key="hostile"):
    """A signed delivery over http.client; the response, its body not yet read."""
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    host, port = endpoint.removeprefix("http://").split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request(
        "POST",
        "/" + endpoint.split("/", 3)[3],
        body=body,
        headers={
            "X-Timestamp": timestamp,
            "X-Signature": sign(SECRET, body, timestamp, key),
            "Idempotency-Key": key,
        },
    )
    return connection.getresponse()


def test_control_switches_hostile_answers_and_refuses_unknown_ones(simulator):
    for name in hostile.ANSWERS:
        assert control(simulator, hostile_answer=name)["hostile_answer"] == name
    for wrong in ("explode", 1, None):
        request = urllib.request.Request(
            f"{simulator.url}/_control",
            data=json.dumps({"hostile_answer": wrong}).encode(),
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 400
    assert control(simulator, hostile_answer="")["hostile_answer"] == ""


def test_a_hostile_answer_keeps_the_status_and_stores_the_application(simulator, endpoint):
    control(simulator, hostile_answer="nested_json")
    response = raw_post(endpoint)
    assert response.status == 201
    assert response.read() == b"[" * 60_000
    assert len(received(simulator)) == 1
    control(simulator, fail_500=True)
    assert raw_post(endpoint, key="refused").status == 500
    assert len(received(simulator)) == 1


def test_huge_binary_and_gzip_answers_are_what_they_say(simulator, endpoint):
    import zlib

    control(simulator, fail_500=True, hostile_answer="huge")
    response = raw_post(endpoint)
    assert int(response.headers["Content-Length"]) == hostile.HUGE_BYTES
    assert len(response.read(1024 * 1024)) == 1024 * 1024
    response.close()

    control(simulator, hostile_answer="binary")
    body = raw_post(endpoint).read()
    assert b"\x00" in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")

    control(simulator, hostile_answer="gzip_bomb")
    response = raw_post(endpoint)
    assert response.headers["Content-Encoding"] == "gzip"
    compressed = response.read()
    inflated = zlib.decompressobj(31).decompress(compressed, 1024 * 1024)
    assert inflated == bytes(1024 * 1024)
    assert len(compressed) * 500 < hostile.BOMB_INFLATED_BYTES


def test_broken_answers_break_off_as_announced(simulator, endpoint):
    control(simulator, fail_500=True, hostile_answer="reset_halfway")
    response = raw_post(endpoint)
    with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
        response.read()

    control(simulator, hostile_answer="lying_length")
    response = raw_post(endpoint)
    with pytest.raises(http.client.IncompleteRead) as short:
        response.read()
    assert int(response.headers["Content-Length"]) == 10 * len(short.value.partial)


def test_slow_drip_sends_a_byte_at_a_time(simulator, endpoint):
    control(simulator, fail_500=True, hostile_answer="slow_drip")
    response = raw_post(endpoint)
    assert int(response.headers["Content-Length"]) == hostile.DRIP_BYTES
    started = time.monotonic()
    assert len(response.read(4)) == 4  # the first may be there already: three more waits
    assert time.monotonic() - started >= 2 * hostile.DRIP_SECONDS
    response.close()


def test_command_takes_a_hostile_answer():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("agency_simulator", "--hostile-answer", "explode")
