"""The status callback API under hostile input: every answer is 4xx JSON, never a 500 or HTML.

Most bodies here are signed correctly: an agency's bug (or a leaked secret) must not crash
the site or store what PostgreSQL refuses. Run on SQLite and on PostgreSQL (``DATABASE_URL``):
NUL in a text column only fails on PostgreSQL.
"""

# ruff: noqa: F811 - the fixtures imported from statushelpers are used as arguments

import json
import logging
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructor.applications.api import MAX_BODY_BYTES, MAX_NESTING
from constructor.applications.models import Application, ApplicationEvent
from constructor.applications.statuses import record_status
from tests.applications.statushelpers import (  # noqa: F401 - fixtures
    OTHER_SECRET,
    SECRET,
    integration,
    make_application,
    other_integration,
    post_status,
    signed_headers,
    status_service,
)

REASON = "Ребёнок не проживает на территории закреплённого микрорайона."


@pytest.fixture
def application(make_application):
    return make_application()


def event(status="accepted", event_id="evt-1", **extra):
    return {"event_id": event_id, "status": status, **extra}


def current(application):
    return Application.objects.get(pk=application.pk).status


def post_raw(client, number, body, content_type="application/json", secret=SECRET, **extra):
    """POST ``body`` bytes as they are, signed for ``number`` with ``secret``."""
    headers = signed_headers(secret, body, number=number)
    return client.post(
        f"/api/v1/applications/{number}/status",
        data=body,
        content_type=content_type,
        **headers,
        **extra,
    )


def json_error(response, status):
    """The documented error shape: a JSON object with an English ``error`` sentence."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert isinstance(answer["error"], str) and answer["error"]
    return answer


# Size and nesting, bounded before parsing ----------------------------------------------------


def test_a_ten_megabyte_body_is_413_json(client, application):
    body = json.dumps(event(message="я" * (5 * 1024 * 1024)), ensure_ascii=False).encode()
    answer = json_error(post_raw(client, application.number, body), 413)
    assert str(MAX_BODY_BYTES) in answer["error"]
    assert current(application) == "submitted"


def test_a_declared_length_over_the_limit_is_refused_without_reading(client, application):
    # The test client's payload refuses reads past what was sent: a 413 here was decided on
    # Content-Length alone, before one byte of the body was read.
    body = json.dumps(event()).encode()
    response = post_raw(client, application.number, body, CONTENT_LENGTH=str(10 * 1024 * 1024))
    json_error(response, 413)


@pytest.mark.parametrize("length", ["", "lots", "-5", "1e3"], ids=["empty", "word", "neg", "exp"])
def test_a_missing_or_malformed_content_length_is_411_json(client, application, length):
    body = json.dumps(event()).encode()
    json_error(post_raw(client, application.number, body, CONTENT_LENGTH=length), 411)
    assert current(application) == "submitted"


@pytest.mark.parametrize("opening", ["[", '{"a":'], ids=["arrays", "objects"])
def test_deeply_nested_signed_json_is_400_not_a_crash(client, application, opening):
    closing = "]" if opening == "[" else "}"
    deep = opening * 10_000 + "1" + closing * 10_000
    body = ('{"event_id": "evt-1", "status": "accepted", "extra": ' + deep + "}").encode()
    answer = json_error(post_raw(client, application.number, body), 400)
    assert "nested" in answer["error"]
    assert current(application) == "submitted"


def test_nesting_at_the_limit_is_accepted(client, application):
    extra = "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)
    body = ('{"event_id": "evt-1", "status": "accepted", "extra": ' + extra + "}").encode()
    assert post_raw(client, application.number, body).status_code == 200
    one_more = body.replace(b"[", b"[[", 1).replace(b"]", b"]]", 1)
    json_error(post_raw(client, application.number, one_more), 400)


def test_brackets_inside_strings_do_not_count_as_nesting(client, application):
    message = '[{"\\"' * 700 + "] \\\\ {"
    body = json.dumps(event("refused", message=message)).encode()
    assert post_raw(client, application.number, body).status_code == 200
    assert ApplicationEvent.objects.get().message == message


def test_an_unterminated_string_does_not_hide_the_nesting_before_it(client, application):
    body = b"[" * 5000 + b'"\\"' * 20_000
    assert "nested" in json_error(post_raw(client, application.number, body), 400)["error"]


# Encoding, content type, JSON itself ----------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "application/jsonx",
        "",
    ],
)
def test_a_body_that_is_not_declared_json_is_415(client, application, content_type):
    body = json.dumps(event()).encode()
    answer = json_error(post_raw(client, application.number, body, content_type), 415)
    assert "application/json" in answer["error"]
    assert current(application) == "submitted"


@pytest.mark.parametrize("content_type", ["application/json; charset=UTF-8", "Application/JSON"])
def test_json_with_its_charset_spelled_differently_is_accepted(client, application, content_type):
    body = json.dumps(event()).encode()
    assert post_raw(client, application.number, body, content_type).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(event()).encode("utf-16"),
        json.dumps(event()).encode("utf-32"),
        json.dumps(event(message="Причина"), ensure_ascii=False).encode("cp1251"),
        b"\xef\xbb\xbf" + json.dumps(event()).encode(),
    ],
    ids=["utf-16", "utf-32", "cp1251", "utf-8-bom"],
)
def test_a_body_that_is_not_utf8_json_is_400(client, application, body):
    json_error(post_raw(client, application.number, body), 400)
    assert current(application) == "submitted"


@pytest.mark.parametrize(
    "extra",
    ["1" * 5000, "NaN", "-Infinity", "1e999999"],
    ids=["huge-integer", "nan", "infinity", "huge-float"],
)
def test_numbers_json_does_not_allow_are_400(client, application, extra):
    body = ('{"event_id": "evt-1", "status": "accepted", "extra": ' + extra + "}").encode()
    json_error(post_raw(client, application.number, body), 400)
    assert current(application) == "submitted"


@pytest.mark.parametrize("body", [b"null", b'"accepted"', b"42", b"[]", b" "])
def test_json_that_is_not_an_object_is_400(client, application, body):
    json_error(post_raw(client, application.number, body), 400)


def test_an_empty_body_is_400(client, application):
    # The test client leaves out both headers for an empty body; an HTTP client sends them.
    declared = {"CONTENT_LENGTH": "0", "CONTENT_TYPE": "application/json"}
    json_error(post_raw(client, application.number, b"", **declared), 400)


# Fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (event(event_id="evt\x00-1"), "event_id"),
        (event("refused", message="Отказано\x00"), "message"),
        (event("refused", message="Отказано\x1b[31m"), "message"),
        (event(event_id="evt\n1"), "event_id"),
        (event("accepted\x00"), "status"),
        (event(document_url="https://docs.example.ru/\x00.pdf"), "document_url"),
    ],
    ids=["nul-event-id", "nul-message", "escape-message", "newline-event-id", "nul-status", "url"],
)
def test_nul_and_control_characters_are_400_naming_the_field(client, application, data, field):
    answer = json_error(post_status(client, application.number, data), 400)
    assert answer["field"] == field
    assert field in answer["error"]
    assert not ApplicationEvent.objects.exists()


def test_a_message_may_span_lines(client, application):
    message = "Не приложена справка.\r\n\tПриложите её в личном кабинете."
    assert (
        post_status(client, application.number, event("refused", message=message)).status_code
        == 200
    )
    assert ApplicationEvent.objects.get().message == message


@pytest.mark.parametrize("field", ["event_id", "message"])
def test_a_lone_surrogate_is_400_naming_the_field(client, application, field):
    data = event("refused", message="Причина")
    data[field] = "x\ud800y"
    body = json.dumps(data).encode()  # ASCII with a \ud800 escape, as any JSON encoder sends it
    answer = json_error(post_raw(client, application.number, body), 400)
    assert answer["field"] == field


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (event(event_id="e" * 201), "event_id"),
        (event("refused", message="м" * 4001), "message"),
        (event(document_url="https://docs.example.ru/" + "a" * 480), "document_url"),
        (event("a" * 10_000), "status"),
    ],
    ids=["event-id", "message", "document-url", "status"],
)
def test_over_long_strings_are_400_naming_the_field(client, application, data, field):
    answer = json_error(post_status(client, application.number, data), 400)
    assert answer["field"] == field
    assert not ApplicationEvent.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"event_id": 17, "status": "accepted"}, "event_id"),
        ({"event_id": ["evt-1"], "status": "accepted"}, "event_id"),
        ({"event_id": "evt-1", "status": ["accepted"]}, "status"),
        ({"event_id": "evt-1", "status": {"code": "accepted"}}, "status"),
        ({"event_id": "evt-1", "status": None}, "status"),
        (event(message={"text": "x"}), "message"),
        (event(document_url=["https://docs.example.ru/1.pdf"]), "document_url"),
        (event("approved\u200b"), "status"),
    ],
)
def test_wrong_field_types_are_400_naming_the_field(client, application, data, field):
    answer = json_error(post_status(client, application.number, data), 400)
    assert answer["field"] == field


def test_an_unknown_status_is_400_and_lists_the_known_ones(client, application):
    answer = json_error(post_status(client, application.number, event("lost")), 400)
    assert answer["field"] == "status"
    assert "accepted" in answer["error"] and "completed" in answer["error"]


def test_a_409_names_statuses_by_their_codes(client, application):
    record_status(application, "refused", actor="agency:test", message=REASON)
    answer = json_error(post_status(client, application.number, event("approved")), 409)
    assert answer["error"] == "The application cannot move from refused to approved."
    assert answer["current_status"] == "refused"


# The address and the headers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["40-2026-%00", "%00", "40-2026-000001%0A", "4" * 5000, "40%E2%80%AE-2026"]
)
def test_a_malformed_number_is_404_to_an_agency_and_401_to_strangers(client, application, number):
    body = json.dumps(event()).encode()
    signed_for = unquote(number)
    agency = client.post(
        f"/api/v1/applications/{number}/status",
        data=body,
        content_type="application/json",
        **signed_headers(SECRET, body, number=signed_for),
    )
    json_error(agency, 404)
    stranger = client.post(
        f"/api/v1/applications/{number}/status",
        data=body,
        content_type="application/json",
        **signed_headers("guess", body, number=signed_for),
    )
    json_error(stranger, 401)


@pytest.mark.parametrize("timestamp", ["9" * 400, "1" * 5000, "1_700_000_000", "+17", "١٧"])
def test_an_absurd_timestamp_is_401_not_a_crash(client, application, timestamp):
    body = json.dumps(event()).encode()
    headers = signed_headers(SECRET, body, timestamp=timestamp, number=application.number)
    json_error(post_status(client, application.number, body, headers=headers), 401)
    assert current(application) == "submitted"


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "options"])
def test_other_methods_are_405_json_with_allow(client, application, method):
    response = getattr(client, method)(f"/api/v1/applications/{application.number}/status")
    json_error(response, 405)
    assert response["Allow"] == "POST"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/applications/40-2026-000001/status/",
        "/api/v1/applications/40-2026-000001",
        "/api/v1/",
        "/api/v2/applications/40-2026-000001/status",
        "/api/",
    ],
)
def test_unknown_api_addresses_are_404_json(client, application, path):
    json_error(client.get(path), 404)
    json_error(client.post(path, data=b"{}", content_type="application/json"), 404)


# An integration switched off -------------------------------------------------------------------


def test_an_inactive_integrations_secret_is_401_logged_without_secrets(
    client, application, integration, caplog
):
    integration.is_active = False
    integration.save()
    with caplog.at_level(logging.WARNING, logger="constructor.applications.api"):
        response = post_status(client, application.number, event())
    json_error(response, 401)
    assert current(application) == "submitted"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert application.number in logged
    assert "inactive" in logged
    assert SECRET not in logged


def test_an_inactive_integrations_previous_secret_is_refused_too(client, application, integration):
    integration.previous_hmac_secret = SECRET
    integration.hmac_secret = "rotated-secret"
    integration.is_active = False
    integration.save()
    assert post_status(client, application.number, event()).status_code == 401
    assert (
        post_status(client, application.number, event(), secret="rotated-secret").status_code == 401
    )


def test_an_inactive_integration_cannot_probe_numbers(client, application, other_integration):
    other_integration.is_active = False
    other_integration.save()
    # As a stranger: 401 whatever the number, never the 404 that confirms an agency.
    for number in (application.number, "40-2026-9999999"):
        response = post_status(client, number, event(), secret=OTHER_SECRET)
        assert response.status_code == 401


def test_switching_the_integration_back_on_accepts_its_callbacks_again(
    client, application, integration
):
    integration.is_active = False
    integration.save()
    assert post_status(client, application.number, event()).status_code == 401
    integration.is_active = True
    integration.save()
    assert post_status(client, application.number, event()).status_code == 200


def test_an_inactive_integration_verifies_nothing(integration):
    body = b"{}"
    signature = integration.sign(body, 5, "40-2026-000001")
    assert integration.verify(body, 5, signature, "40-2026-000001")
    integration.is_active = False
    assert not integration.verify(body, 5, signature, "40-2026-000001")


# Whatever the body, signed correctly: never a 500 ----------------------------------------------

SLOW_DB = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

# Any text, lone surrogates and controls included (encoded as \u escapes).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=20,
)
field_values = (
    st.sampled_from(
        ["accepted", "in_progress", "info_needed", "approved", "refused", "completed", "delivered"]
    )
    | json_values
)
bodies = (
    st.fixed_dictionaries(
        {},
        optional={
            "event_id": field_values,
            "status": field_values,
            "message": field_values,
            "document_url": st.sampled_from(["https://docs.example.ru/1.pdf", ""]) | json_values,
        },
    )
    | json_values
)


def assert_answered(response):
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert ("error" in answer) == (response.status_code >= 400)


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_DB)
@given(data=bodies, ascii=st.booleans())
def test_any_signed_json_gets_a_json_answer_below_500(client, application, data, ascii):
    body = json.dumps(data, ensure_ascii=ascii, allow_nan=False).encode("utf-8", "surrogatepass")
    assert_answered(post_raw(client, application.number, body))


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_DB)
@given(body=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_signed_bytes_get_a_json_answer_below_500(client, application, body):
    assert_answered(post_raw(client, application.number, body))


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_DB)
@given(number=st.text(min_size=1, max_size=40))
def test_any_number_in_the_address_gets_a_json_answer_below_500(client, application, number):
    body = json.dumps(event()).encode()
    response = client.post(
        f"/api/v1/applications/{quote(number, safe='')}/status",
        data=body,
        content_type="application/json",
        **signed_headers(SECRET, body, number=number),
    )
    assert_answered(response)


def test_an_ordinary_callback_still_needs_no_more_than_before(client, application):
    """The bounds leave the documented body alone: the simulator's callback, byte for byte."""
    body = json.dumps(
        event("refused", message=REASON, document_url="https://docs.example.ru/1.pdf"),
        ensure_ascii=False,
    ).encode()
    response = post_raw(client, application.number, body, "application/json; charset=utf-8")
    assert response.json() == {"status": "refused", "recorded": True}
