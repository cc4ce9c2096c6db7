import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from jsonschema import Draft202012Validator

from constructor.integrations import signing
from constructor.integrations.models import Agency, Integration, default_endpoint_url
from constructor.integrations.schemas import check_payload_schema, parse_schema_text
from constructor.registry.groups import ensure_federal_admins
from fixtures.demo.agencies import AGENCIES, INTEGRATIONS

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["snils"],
    "properties": {"snils": {"type": "string", "pattern": r"^\d{11}$"}},
}


@pytest.fixture
def agency(db):
    return Agency.objects.create(name="Фонд", short_name="СФР", code="sfr")


@pytest.fixture
def integration(agency):
    return Integration.objects.create(
        agency=agency,
        name="Пособие",
        code="sfr-allowance",
        endpoint_url=default_endpoint_url("sfr-allowance"),
        payload_schema=SCHEMA,
        hmac_secret="new-secret",
    )


@pytest.fixture
def federal_member(make_user):
    return make_user("federal-member", ensure_federal_admins())


def form_data(agency, **overrides):
    data = {
        "agency": str(agency.pk),
        "name": "Выписка",
        "code": "egrn-extract",
        "endpoint_url": "http://127.0.0.1:8765/egrn-extract/",
        "timeout_seconds": "10",
        "is_active": "on",
        "payload_schema_text": json.dumps(SCHEMA),
        "hmac_secret": "s3cret-value",
        "previous_hmac_secret": "",
    }
    data.update(overrides)
    return data


# Signing


def test_signature_round_trip_and_tampered_body_is_refused(integration):
    body = b'{"snils": "12345678901"}'
    signature = integration.sign(body, 1700000000)
    assert len(signature) == 64
    assert integration.verify(body, 1700000000, signature)
    assert integration.verify(body.decode(), "1700000000", signature.upper())
    assert not integration.verify(body + b" ", 1700000000, signature)
    assert not integration.verify(body, 1700000001, signature)
    assert not integration.verify(body, 1700000000, "")
    assert not integration.verify(body, 1700000000, None)


def test_rotation_accepts_both_secrets_until_the_previous_one_is_dropped(integration):
    body = b"{}"
    old_signature = integration.sign(body, 5)
    integration.previous_hmac_secret = integration.hmac_secret
    integration.hmac_secret = "rotated-secret"
    new_signature = integration.sign(body, 5)
    assert new_signature != old_signature
    assert integration.verify(body, 5, old_signature)
    assert integration.verify(body, 5, new_signature)
    integration.previous_hmac_secret = ""
    assert not integration.verify(body, 5, old_signature)
    assert integration.verify(body, 5, new_signature)


def test_endpoint_follows_the_simulator_setting(settings):
    settings.AGENCY_SIMULATOR_URL = "http://127.0.0.1:9999"
    assert default_endpoint_url("fns") == "http://127.0.0.1:9999/fns/"


# Schema checks


def test_invalid_json_names_line_and_column():
    with pytest.raises(ValidationError) as caught:
        parse_schema_text('{\n  "type": "object",\n  "properties": {,}\n}')
    assert "строка 3, столбец 18" in caught.value.messages[0]


def test_invalid_schema_names_the_failing_path():
    schema = {"type": "object", "properties": {"inn": {"type": "strng"}}}
    with pytest.raises(ValidationError) as caught:
        check_payload_schema(schema)
    assert "/properties/inn/type" in caught.value.messages[0]


@pytest.mark.parametrize("schema", [[], {"type": "array", "items": {}}])
def test_schema_must_describe_an_object(schema):
    with pytest.raises(ValidationError):
        check_payload_schema(schema)


@pytest.mark.parametrize("data", INTEGRATIONS, ids=lambda data: data["code"])
def test_demo_schemas_are_valid_object_schemas(data):
    Draft202012Validator.check_schema(data["schema"])
    check_payload_schema(data["schema"])
    assert data["schema"]["additionalProperties"] is False
    assert data["agency"] in {agency["code"] for agency in AGENCIES}


def test_demo_schemas_accept_a_realistic_payload_and_refuse_a_bad_one():
    schema = next(i["schema"] for i in INTEGRATIONS if i["code"] == "rosreestr-egrn-extract")
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    payload = {
        "cadastral_number": "40:26:000123:45",
        "extract_type": "basic_characteristics",
        "applicant": {
            "full_name": {"last_name": "Иванова", "first_name": "Мария"},
            "snils": "11223344595",
        },
        "delivery_email": "maria@example.ru",
    }
    assert not list(validator.iter_errors(payload))
    payload["cadastral_number"] = "40-26-123"
    payload["extra"] = 1
    assert len(list(validator.iter_errors(payload))) == 2


# Admin


def test_regional_editor_is_refused(client, editor, integration):
    client.force_login(editor)
    for response in (
        client.get(reverse("integration:index")),
        client.get(reverse("integration:add")),
        client.post(reverse("integration:add"), form_data(integration.agency)),
        client.get(reverse("integration:edit", args=[integration.pk])),
        client.get(reverse("agency:add")),
    ):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    assert Integration.objects.count() == 1


def test_federal_admin_creates_an_integration_with_a_pasted_schema(client, federal_member, agency):
    client.force_login(federal_member)
    response = client.post(reverse("integration:add"), form_data(agency))
    assert response.status_code == 302, response.context["form"].errors
    created = Integration.objects.get(code="egrn-extract")
    assert created.payload_schema == SCHEMA
    assert created.verify(b"x", 1, created.sign(b"x", 1))


def test_federal_admin_uploads_a_schema_file(client, federal_member, agency):
    client.force_login(federal_member)
    upload = SimpleUploadedFile("schema.json", json.dumps(SCHEMA).encode(), "application/json")
    data = form_data(agency, payload_schema_text="", payload_schema_file=upload)
    response = client.post(reverse("integration:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Integration.objects.get(code="egrn-extract").payload_schema == SCHEMA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "object",\n "properties": }', "строка 2, столбец"),
        ('{"type": "object", "required": "snils"}', "/required"),
    ],
)
def test_bad_schema_is_reported_at_the_field_and_kept(
    client, federal_member, agency, text, expected
):
    client.force_login(federal_member)
    response = client.post(reverse("integration:add"), form_data(agency, payload_schema_text=text))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["payload_schema_text"])
    assert expected in errors
    assert response.context["form"]["payload_schema_text"].value() == text
    assert not Integration.objects.exists()


def test_listing_never_shows_secrets(client, federal_member, integration):
    client.force_login(federal_member)
    response = client.get(reverse("integration:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert integration.name in page and "new-secret" not in page


def test_edit_form_shows_the_stored_schema(client, federal_member, integration):
    client.force_login(federal_member)
    response = client.get(reverse("integration:edit", args=[integration.pk]))
    assert response.status_code == 200
    assert json.loads(response.context["form"]["payload_schema_text"].value()) == SCHEMA


def test_load_demo_creates_integrations_once(db):
    from fixtures.demo.loader import Tally, ensure_integrations

    ensure_integrations(Tally())
    ensure_integrations(tally := Tally())
    assert Integration.objects.count() == len(INTEGRATIONS) >= 4
    assert Agency.objects.count() == len(AGENCIES)
    assert tally.created["integrations"] == 0
    fns = Integration.objects.get(code="fns-ip-registration")
    assert fns.endpoint_url == "http://127.0.0.1:8765/fns-ip-registration/"


def edit_data(integration, **overrides):
    data = form_data(integration.agency, name=integration.name, code=integration.code)
    data.pop("previous_hmac_secret")
    data.update({"hmac_secret": "", **overrides})
    return data


def test_edit_form_never_shows_the_secret(client, federal_member, integration):
    integration.previous_hmac_secret = "old-secret"
    integration.save()
    client.force_login(federal_member)
    page = client.get(reverse("integration:edit", args=[integration.pk])).content.decode()
    assert "new-secret" not in page and "old-secret" not in page
    assert 'type="password"' in page


def test_an_empty_secret_keeps_the_stored_one(client, federal_member, integration):
    client.force_login(federal_member)
    response = client.post(
        reverse("integration:edit", args=[integration.pk]), edit_data(integration)
    )
    assert response.status_code == 302, response.context["form"].errors
    integration.refresh_from_db()
    assert (integration.hmac_secret, integration.previous_hmac_secret) == ("new-secret", "")


def test_a_new_secret_rotates_and_the_old_one_can_be_dropped(client, federal_member, integration):
    client.force_login(federal_member)
    url = reverse("integration:edit", args=[integration.pk])
    data = edit_data(integration, hmac_secret="newer-secret", keep_previous_secret="on")
    assert client.post(url, data).status_code == 302
    integration.refresh_from_db()
    assert (integration.hmac_secret, integration.previous_hmac_secret) == (
        "newer-secret",
        "new-secret",
    )
    assert integration.verify(b"x", 1, signing.signature("new-secret", b"x", 1))
    assert client.post(url, edit_data(integration, drop_previous_secret="on")).status_code == 302
    integration.refresh_from_db()
    assert (integration.hmac_secret, integration.previous_hmac_secret) == ("newer-secret", "")
    assert not integration.verify(b"x", 1, signing.signature("new-secret", b"x", 1))


def test_a_new_secret_without_rotation_replaces_the_old_one_at_once(
    client, federal_member, integration
):
    client.force_login(federal_member)
    url = reverse("integration:edit", args=[integration.pk])
    assert client.post(url, edit_data(integration, hmac_secret="newer-secret")).status_code == 302
    integration.refresh_from_db()
    assert (integration.hmac_secret, integration.previous_hmac_secret) == ("newer-secret", "")
