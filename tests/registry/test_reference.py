"""A standard's reference application: edited in the registry admin, checked on every save,
copied into a service created from the standard.

The admin's POSTs carry the reference form and mapping in the shape the StreamField widgets
send (``tests.editor_data``), through the real add and edit URLs, as a federal admin.
"""

import re

import pytest
from django.urls import reverse
from wagtail.blocks import StreamBlockValidationError

from blocks.form import ApplicationFormBlock
from blocks.mapping import PayloadMappingBlock
from constructor.integrations.proof.mapping import rules_from_stream
from constructor.registry.models import ServiceStandard
from constructor.services.mapping import errors, page_problems
from constructor.services.models import ServicePage
from tests.editor_data import stream_post_data
from tests.formbuilder.helpers import field, step
from tests.registry.test_registry import ADD_URL, CREATE_URL, EDIT_URL, entry_data

PAYLOAD_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["last_name", "number"],
    "properties": {
        "last_name": {"type": "string", "title": "Фамилия заявителя"},
        "number": {"type": "string", "title": "Номер заявления"},
        "comment": {"type": "string", "title": "Комментарий"},
    },
}
FORM = [step("applicant", field("text", "surname", "Фамилия", max_length=100))]
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def rule(target, source="field", *, field_path="", system="", constant=""):
    return {
        "type": "rule",
        "value": {
            "target": target,
            "source": source,
            "field": field_path,
            "constant": constant,
            "system": system,
            "transforms": [],
            "default": "",
        },
    }


GOOD_RULES = [rule("/last_name", field_path="surname"), rule("/number", "system", system="number")]


@pytest.fixture
def integration(db):
    from constructor.integrations.models import Agency, Integration

    agency = Agency.objects.create(name="Социальный фонд России", short_name="СФР", code="sfr-t")
    return Integration.objects.create(
        agency=agency,
        name="Пособие при рождении ребёнка",
        code="sfr-birth-test",
        endpoint_url="http://127.0.0.1:9/sfr/",
        payload_schema=PAYLOAD_SCHEMA,
        hmac_secret="test-secret",
    )


@pytest.fixture
def admin_client(client, federal_member):
    client.force_login(federal_member)
    return client


@pytest.fixture
def federal_member(make_user):
    from constructor.registry.groups import ensure_federal_admins

    return make_user("federal-admin-member", ensure_federal_admins())


def reference_data(category, *, integration=None, form=FORM, rules=GOOD_RULES, **overrides):
    """The add/edit POST of a registry entry with this reference application."""
    form_block, mapping_block = ApplicationFormBlock(), PayloadMappingBlock()
    data = entry_data(category, **overrides)
    data.update(stream_post_data(form_block, form_block.to_python(form), "application_form"))
    data.update(stream_post_data(mapping_block, mapping_block.to_python(rules), "payload_mapping"))
    data["integration"] = integration.pk if integration is not None else ""
    return data


def field_error(response, name):
    """The error of one field of the registry entry's form, as Wagtail keeps it."""
    return response.context["form"].errors[name].as_data()[0]


def test_federal_admin_saves_a_reference_that_maps(admin_client, category, integration):
    response = admin_client.post(
        reverse(ADD_URL), reference_data(category, integration=integration)
    )
    assert response.status_code == 302, response.context["form"].errors
    standard = ServiceStandard.objects.get(code="1000000022")
    assert standard.integration == integration
    assert rules_from_stream(standard.payload_mapping.raw_data) == rules_from_stream(GOOD_RULES)
    assert [block.block_type for block in standard.application_form] == ["step"]
    editor = admin_client.get(reverse(EDIT_URL, args=[standard.pk]))
    assert editor.status_code == 200 and "/last_name" in editor.content.decode()


def test_the_registry_editor_has_the_form_and_delivery_tabs(admin_client, category):
    html = admin_client.get(reverse(ADD_URL)).content.decode()
    for tab in ("Форма заявления", "Передача в ведомство"):
        assert tab in html
    for name in ("application_form", "integration", "payload_mapping"):
        assert f'id="{name}' in html or f'id="id_{name}"' in html


def test_a_broken_reference_mapping_is_refused_with_the_message_at_the_rule(
    admin_client, category, integration
):
    # Rule 1 names a field the form does not have, and nothing fills the required /number.
    rules = [rule("/last_name", field_path="surname"), rule("/comment", field_path="nosuch")]
    response = admin_client.post(
        reverse(ADD_URL), reference_data(category, integration=integration, rules=rules)
    )
    assert response.status_code == 200
    assert not ServiceStandard.objects.exists()
    error = field_error(response, "payload_mapping")
    assert isinstance(error, StreamBlockValidationError)
    assert list(error.block_errors) == [1]
    at_rule = error.block_errors[1].as_json_data()
    message = " ".join(at_rule["blockErrors"]["field"]["messages"])
    assert "nosuch" in message and CYRILLIC.search(message)
    above = " ".join(error.as_json_data()["messages"])
    assert "/number" in above and CYRILLIC.search(above)


def test_a_reference_that_once_mapped_cannot_be_broken_by_an_edit(
    admin_client, category, integration
):
    admin_client.post(reverse(ADD_URL), reference_data(category, integration=integration))
    standard = ServiceStandard.objects.get()
    response = admin_client.post(
        reverse(EDIT_URL, args=[standard.pk]),
        reference_data(category, integration=integration, rules=GOOD_RULES[:1]),
    )
    assert response.status_code == 200
    assert field_error(response, "payload_mapping")
    standard.refresh_from_db()
    assert len(standard.payload_mapping.raw_data) == 2


def test_an_integration_without_a_reference_form_is_refused_at_the_integration(
    admin_client, category, integration
):
    response = admin_client.post(
        reverse(ADD_URL), reference_data(category, integration=integration, form=[], rules=[])
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["integration"])
    assert "стандарт" in message and integration.name in message
    assert not ServiceStandard.objects.exists()


def test_rules_without_an_integration_are_refused_at_the_integration(admin_client, category):
    response = admin_client.post(reverse(ADD_URL), reference_data(category))
    assert response.status_code == 200
    assert CYRILLIC.search(" ".join(response.context["form"].errors["integration"]))
    assert not ServiceStandard.objects.exists()


def test_a_broken_reference_form_is_refused_at_its_block(admin_client, category, integration):
    form = [
        step(
            "applicant",
            field("text", "surname", "Фамилия", max_length=100),
            field("text", "surname", "Фамилия ещё раз", max_length=100),
        )
    ]
    response = admin_client.post(
        reverse(ADD_URL), reference_data(category, integration=integration, form=form)
    )
    assert response.status_code == 200
    error = field_error(response, "application_form").as_json_data()
    key_error = error["blockErrors"][0]["blockErrors"]["fields"]["blockErrors"][1]
    assert "surname" in " ".join(key_error["blockErrors"]["key"]["messages"])
    assert not ServiceStandard.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [
        rule("/last_name\x00", field_path="surname"),
        rule("/" + "a" * 10_000, field_path="surname"),
        rule("/last_name", field_path="surname\"'><script>alert(1)</script>"),
        rule("/last_name", "evil"),
        rule("/number", "system", system="rm -rf /"),
        rule("/number", "constant", constant="\x00"),
    ],
)
def test_hostile_reference_rules_get_a_message_never_a_500(
    admin_client, category, integration, hostile
):
    rules = [hostile, rule("/number", "system", system="number")]
    response = admin_client.post(
        reverse(ADD_URL), reference_data(category, integration=integration, rules=rules)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ServiceStandard.objects.exists()


def test_a_service_created_from_the_standard_starts_with_its_reference(
    client, editor, region, category, integration
):
    standard = ServiceStandard.objects.create(
        code="1000000022",
        level="federal",
        title="Единовременное пособие при рождении ребёнка",
        agency="Социальный фонд России",
        category=category,
        summary="Пособие при рождении ребёнка.",
        max_processing_days=10,
        application_form=FORM,
        integration=integration,
        payload_mapping=GOOD_RULES,
    )
    client.force_login(editor)
    response = client.post(reverse(CREATE_URL), {"standard": standard.pk, "region": region.pk})
    assert response.status_code == 302
    page = ServicePage.objects.get(service_code=standard.code)
    assert page.integration == integration
    assert rules_from_stream(page.payload_mapping.raw_data) == rules_from_stream(GOOD_RULES)
    assert page.application_form.raw_data[0]["value"]["fields"] == FORM[0]["value"]["fields"]
    assert errors(page_problems(page)) == []
    assert page.application_form[0].id != standard.application_form[0].id
    assert page.payload_mapping[0].id != standard.payload_mapping[0].id

    # The page's mapping is its own: changing it leaves the standard's alone.
    page.payload_mapping = GOOD_RULES[:1]
    page.save_revision()
    standard.refresh_from_db()
    assert len(standard.payload_mapping.raw_data) == 2
