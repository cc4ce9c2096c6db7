"""The payload mapping in the page editor: blocks, the publish gate, options, reports."""

import json

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from blocks.mapping import PayloadMappingBlock
from constructor.services.models import ServicePage
from tests.formbuilder.helpers import field, step

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


def rule(target, source="field", *, field_path="", system="", transforms=(), default=""):
    return {
        "type": "rule",
        "value": {
            "target": target,
            "source": source,
            "field": field_path,
            "constant": "",
            "system": system,
            "transforms": list(transforms),
            "default": default,
        },
    }


GOOD_RULES = [
    rule("/last_name", field_path="surname"),
    rule("/number", "system", system="number"),
]
# Rule 1 names a field the form does not have; /number is left unmapped.
BAD_RULES = [rule("/last_name", field_path="surname"), rule("/comment", field_path="nosuch")]


def post_rule(target, source="field", *, field_path="", system=""):
    return (
        "rule",
        {
            "target": target,
            "source": source,
            "field": field_path,
            "constant": "",
            "system": system,
            "transforms": streamfield([]),
            "default": "",
        },
    )


def post_form():
    return streamfield(
        [
            (
                "step",
                {
                    "key": "applicant",
                    "title": "Сведения о заявителе",
                    "intro": "",
                    "condition": {"field": "", "operator": "equals", "value": ""},
                    "fields": streamfield(
                        [
                            (
                                "text",
                                {
                                    "key": "surname",
                                    "label": "Фамилия",
                                    "hint": "",
                                    "required": "on",
                                    "condition": {"field": "", "operator": "equals", "value": ""},
                                    "max_length": "100",
                                },
                            )
                        ]
                    ),
                },
            )
        ]
    )


GOOD_POST = [
    post_rule("/last_name", field_path="surname"),
    post_rule("/number", "system", system="number"),
]
BAD_POST = [
    post_rule("/last_name", field_path="surname"),
    post_rule("/comment", field_path="nosuch"),
]


@pytest.fixture
def integration(db):
    from constructor.integrations.models import Agency, Integration

    agency = Agency.objects.create(
        name="Министерство образования Калужской области", short_name="Минобр", code="minobr-40"
    )
    return Integration.objects.create(
        agency=agency,
        name="Очередь в детский сад",
        code="kindergarten-queue-test",
        endpoint_url="http://127.0.0.1:9/kindergarten/",
        payload_schema=PAYLOAD_SCHEMA,
        hmac_secret="test-secret",
    )


@pytest.fixture
def service(region, category, make_service):
    page = make_service(region, "Запись в детский сад", category, "4000000012")
    page.application_form = FORM
    page.save_revision().publish()
    return ServicePage.objects.get(pk=page.pk)


@pytest.fixture
def admin_client(client, federal_admin):
    client.force_login(federal_admin)
    return client


def post_edit(client, page, build, *, publish, integration=None, rules=(), form=True):
    data = build(page.title, page.service_code, page.category, slug=page.slug, publish=publish)
    data.update(
        nested_form_data(
            {
                "application_form": post_form() if form else streamfield([]),
                "payload_mapping": streamfield(list(rules)),
            }
        )
    )
    data["integration"] = str(integration.pk) if integration is not None else ""
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def field_errors(response, name):
    return response.context["form"].errors.as_data()[name][0]


def get_route(client, page, route):
    _site_id, root_url, path = page.get_url_parts()
    return client.get(path + route, HTTP_HOST=root_url.split("//", 1)[1])


def draft_with(page, integration, rules, form=FORM):
    """The page's latest revision as an object, with this mapping: what the editor has open."""
    page = page.get_latest_revision_as_object()
    page.integration = integration
    page.payload_mapping = rules
    page.application_form = form
    return page


def save_draft_with(page, integration, rules, form=FORM):
    draft_with(page, integration, rules, form).save_revision()


def publish_with(page, integration, rules, form=FORM):
    draft_with(page, integration, rules, form).save_revision().publish()
    return ServicePage.objects.get(pk=page.pk)


def tighten_agency_schema(integration):
    """The agency now requires a field no rule fills: the live mapping fails from now on."""
    schema = json.loads(json.dumps(PAYLOAD_SCHEMA))
    schema["properties"]["snils"] = {"type": "string", "title": "СНИЛС"}
    schema["required"].append("snils")
    integration.payload_schema = schema
    integration.save()


# Blocks


def test_the_mapping_blocks_round_trip_the_raw_shape_of_the_contract():
    raw = [
        {
            "type": "rule",
            "id": "r1",
            "value": {
                "target": "/applicant/birth_date",
                "source": "field",
                "field": "applicant_name.surname",
                "constant": "",
                "system": "",
                "transforms": [
                    {"type": "date_format", "value": {"format": "%d.%m.%Y"}, "id": "t1"},
                    {"type": "join", "value": {"separator": " "}, "id": "t2"},
                    {"type": "split", "value": {"separator": ","}, "id": "t3"},
                    {"type": "digits_only", "value": {}, "id": "t4"},
                    {"type": "upper", "value": {}, "id": "t5"},
                    {"type": "to_integer", "value": {}, "id": "t6"},
                    {"type": "to_number", "value": {}, "id": "t7"},
                    {
                        "type": "lookup",
                        "value": {
                            "table": [
                                {"type": "item", "value": {"from": "yes", "to": "1"}, "id": "i1"}
                            ],
                            "fallback": "",
                        },
                        "id": "t8",
                    },
                ],
                "default": "",
            },
        },
        {
            "type": "rule",
            "id": "r2",
            "value": {
                "target": "/number",
                "source": "system",
                "field": "",
                "constant": "",
                "system": "submitted_on",
                "transforms": [],
                "default": "",
            },
        },
    ]
    block = PayloadMappingBlock()
    assert block.get_prep_value(block.to_python(raw)) == raw
    rules_from_stream = pytest.importorskip(
        "constructor.integrations.proof.mapping"
    ).rules_from_stream
    rules = rules_from_stream(raw)
    assert [r["target"] for r in rules] == ["/applicant/birth_date", "/number"]
    assert rules[0]["transforms"][0] == {"type": "date_format", "format": "%d.%m.%Y"}
    assert rules[0]["transforms"][3] == {"type": "digits_only"}


def test_a_page_saved_without_mapping_data_keeps_an_empty_mapping(
    admin_client, service, service_page_form_data
):
    data = service_page_form_data(service.title, service.service_code, service.category)
    data["slug"] = service.slug
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[service.pk]), data)
    assert response.status_code == 302
    latest = ServicePage.objects.get(pk=service.pk).get_latest_revision_as_object()
    assert list(latest.payload_mapping) == []


# The publish gate


def test_publishing_is_refused_with_each_error_beside_its_rule(
    admin_client, service, integration, service_page_form_data
):
    response = post_edit(
        admin_client,
        service,
        service_page_form_data,
        publish=True,
        integration=integration,
        rules=BAD_POST,
    )
    assert response.status_code == 200
    error = field_errors(response, "payload_mapping").as_json_data()
    # The second rule's unknown field is shown at that rule, at its "field" input.
    assert set(error["blockErrors"]) == {1}
    assert "field" in error["blockErrors"][1]["blockErrors"]
    assert "nosuch" in json.dumps(error["blockErrors"][1], ensure_ascii=False)
    # The unmapped required /number has no rule: it is an error of the whole mapping.
    assert error["messages"]
    assert ServicePage.objects.get(pk=service.pk).integration is None


def test_a_clean_mapping_publishes(admin_client, service, integration, service_page_form_data):
    response = post_edit(
        admin_client,
        service,
        service_page_form_data,
        publish=True,
        integration=integration,
        rules=GOOD_POST,
    )
    assert response.status_code == 302, response.context["form"].errors
    page = ServicePage.objects.get(pk=service.pk)
    assert page.integration == integration
    assert [child.value["target"] for child in page.payload_mapping] == ["/last_name", "/number"]


def test_a_broken_mapping_still_saves_as_a_draft(
    admin_client, service, integration, service_page_form_data
):
    response = post_edit(
        admin_client,
        service,
        service_page_form_data,
        publish=False,
        integration=integration,
        rules=BAD_POST,
    )
    assert response.status_code == 302
    latest = ServicePage.objects.get(pk=service.pk).get_latest_revision_as_object()
    assert latest.integration == integration
    assert ServicePage.objects.get(pk=service.pk).integration is None  # live unchanged


def test_rules_without_an_integration_are_refused_at_the_integration(
    admin_client, service, service_page_form_data
):
    response = post_edit(
        admin_client, service, service_page_form_data, publish=True, rules=GOOD_POST
    )
    assert response.status_code == 200
    assert field_errors(response, "integration")


def test_an_integration_without_a_form_is_refused(
    admin_client, service, integration, service_page_form_data
):
    response = post_edit(
        admin_client,
        service,
        service_page_form_data,
        publish=True,
        integration=integration,
        rules=GOOD_POST,
        form=False,
    )
    assert response.status_code == 200
    assert "«" in str(field_errors(response, "integration").messages[0])


def test_a_page_without_integration_and_rules_publishes_as_before(
    admin_client, service, service_page_form_data
):
    response = post_edit(admin_client, service, service_page_form_data, publish=True)
    assert response.status_code == 302


# The editor, the options view and the admin report


def test_the_editor_shows_the_tab_the_report_and_loads_the_chooser(
    client, editor, service, integration
):
    save_draft_with(service, integration, BAD_RULES)
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[service.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "js/mapping-chooser.js" in html
    assert reverse("services_mapping_options", args=[service.pk]) in html
    assert "data-mapping-options-url" in html
    assert "mapping-report__row--error" in html  # the report panel lists the saved problems


def test_the_options_view_lists_targets_and_sources(client, editor, service, integration):
    client.force_login(editor)
    url = reverse("services_mapping_options", args=[service.pk])
    response = client.get(url, {"integration": integration.pk})
    assert response.status_code == 200
    data = response.json()
    assert {"/last_name", "/number"} <= {target["pointer"] for target in data["targets"]}
    assert "surname" in {source["path"] for source in data["sources"]}
    cleared = client.get(url, {"integration": ""}).json()
    assert cleared["targets"] == [] and cleared["sources"]


def test_an_editor_of_another_region_gets_no_options_and_no_report(
    client, other_editor, service, integration
):
    client.force_login(other_editor)
    url = reverse("services_mapping_options", args=[service.pk])
    assert client.get(url, {"integration": integration.pk}).status_code == 403
    report = client.get(reverse("services_mapping_report", args=[service.pk]))
    assert report.status_code == 302 and report["Location"] == reverse("wagtailadmin_home")


def test_the_admin_report_shows_the_latest_and_the_live_check(client, editor, service, integration):
    publish_with(service, integration, GOOD_RULES)
    client.force_login(editor)
    response = client.get(reverse("services_mapping_report", args=[service.pk]))
    assert response.status_code == 200
    assert response.context["error_count"] == 0
    assert response.context["live_report"]["ok"] is True


# mapping-report.json


def test_mapping_report_json_reports_the_live_page(client, service, integration):
    page = publish_with(service, integration, GOOD_RULES)
    response = get_route(client, page, "mapping-report.json")
    assert response.status_code == 200
    data = response.json()
    assert data["service"] == "4000000012"
    assert data["integration"] == "kindergarten-queue-test"
    assert data["form_version"] >= 1
    assert data["ok"] is True and data["errors"] == 0
    assert data["warnings"] == len(data["problems"])  # e.g. /comment left unmapped
    for problem in data["problems"]:
        assert set(problem) == {"severity", "code", "target", "source", "message"}

    # A draft with errors does not change the live report.
    draft = page.get_latest_revision_as_object()
    draft.payload_mapping = BAD_RULES
    draft.save_revision()
    assert get_route(client, page, "mapping-report.json").json()["ok"] is True

    # The live mapping breaks when the agency changes its schema after publication.
    tighten_agency_schema(integration)
    data = get_route(client, page, "mapping-report.json").json()
    assert data["ok"] is False and data["errors"] >= 1
    assert "required_unmapped" in {p["code"] for p in data["problems"]}


def test_mapping_report_json_of_a_page_without_integration(client, service):
    data = get_route(client, service, "mapping-report.json").json()
    assert data == {
        "service": "4000000012",
        "integration": None,
        "form_version": 1,
        "ok": True,
        "errors": 0,
        "warnings": 0,
        "problems": [],
    }


def test_mapping_report_json_is_404_for_a_page_that_is_not_live(
    client, region, category, make_service
):
    page = make_service(region, "Охотничий билет", category, "4000000013", live=False)
    assert get_route(client, page, "mapping-report.json").status_code == 404


# The quality rule


def quality_problems(page):
    from constructor.review.quality import score_page

    result = next(r for r in score_page(page).results if r.rule.code == "payload_mapping")
    return result.problems


def test_the_quality_rule_fails_on_mapping_errors_and_is_na_without_integration(
    service, integration
):
    assert quality_problems(service) is None
    found = quality_problems(draft_with(service, integration, BAD_RULES))
    assert found and all(problem.link == "#payload_mapping" for problem in found)
    page = publish_with(service, integration, GOOD_RULES)
    assert quality_problems(page) == []


# The audit log


def test_integration_schema_and_page_mapping_changes_are_in_the_audit_log(
    admin_client, service, integration, service_page_form_data
):
    from wagtail.models import ModelLogEntry, PageLogEntry

    schema = dict(PAYLOAD_SCHEMA, required=["last_name"])
    response = admin_client.post(
        reverse("integration:edit", args=[integration.pk]),
        {
            "agency": integration.agency_id,
            "name": integration.name,
            "code": integration.code,
            "endpoint_url": integration.endpoint_url,
            "timeout_seconds": 10,
            "is_active": "on",
            "payload_schema_text": json.dumps(schema, ensure_ascii=False),
            "hmac_secret": "test-secret",
            "previous_hmac_secret": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    integration.refresh_from_db()
    assert integration.payload_schema["required"] == ["last_name"]
    assert ModelLogEntry.objects.filter(
        object_id=str(integration.pk), action="wagtail.edit"
    ).exists()

    post_edit(
        admin_client,
        service,
        service_page_form_data,
        publish=True,
        integration=integration,
        rules=GOOD_POST,
    )
    entry = PageLogEntry.objects.filter(page=service, action="wagtail.publish").latest("pk")
    assert entry.revision.content["payload_mapping"]
    assert entry.revision.content["integration"] == integration.pk


def test_federal_reviewers_read_the_report_of_any_region(client, make_user, service, integration):
    from constructor.review.workflow import ensure_federal_reviewers

    publish_with(service, integration, GOOD_RULES)
    tighten_agency_schema(integration)
    client.force_login(make_user("federal-reviewer", ensure_federal_reviewers()))
    response = client.get(reverse("services_mapping_report", args=[service.pk]))
    assert response.status_code == 200
    assert response.context["error_count"] >= 1
    assert response.context["live_report"]["ok"] is False


def test_each_error_sits_at_the_input_it_is_about():
    from wagtail import blocks as wagtail_blocks
    from wagtail.blocks.struct_block import StructBlockValidationError

    from constructor.integrations.proof.checker import Problem
    from constructor.services.mapping import mapping_stream_errors

    raw = [
        {"type": "rule", "value": {"target": "/a", "source": "field", "field": "x"}},
        {"type": "rule", "value": {"target": "/b", "source": "constant", "constant": "1"}},
    ]

    def error(code, rule, message):
        return Problem(severity="error", code=code, message=message, rule=rule)

    problems = [
        error("unknown_target", 0, "target 0"),
        error("unknown_source", 0, "source 0"),
        error("enum_missing", 1, "lookup 1"),
        error("optional_source", 1, "constant 1"),
        error("required_unmapped", None, "loose"),
        Problem(severity="warning", code="unused_field", message="warning"),
    ]
    found = mapping_stream_errors(raw, problems)
    assert isinstance(found, wagtail_blocks.StreamBlockValidationError)
    assert [str(m) for m in found.non_block_errors] == ["loose"]
    first, second = found.block_errors[0], found.block_errors[1]
    assert isinstance(first, StructBlockValidationError)
    assert first.block_errors["target"].messages == ["target 0"]
    assert first.block_errors["field"].messages == ["source 0"]
    assert second.block_errors["constant"].messages == ["constant 1"]
    transforms = second.block_errors["transforms"]
    assert isinstance(transforms, wagtail_blocks.StreamBlockValidationError)
    assert [str(m) for m in transforms.non_block_errors] == ["lookup 1"]
    assert mapping_stream_errors(raw, problems[-1:]) is None


def test_the_check_is_kept_on_the_page_until_its_mapping_changes(monkeypatch, service, integration):
    from constructor.services import mapping

    mapped_page = publish_with(service, integration, GOOD_RULES)

    calls = []
    real = mapping.page_mapping_problems
    monkeypatch.setattr(
        mapping, "page_mapping_problems", lambda *args: calls.append(args) or real(*args)
    )
    first = mapping.page_problems(mapped_page)
    assert not mapping.errors(first)
    assert mapping.page_problems(mapped_page) == first
    assert len(calls) == 1
    mapped_page.payload_mapping = BAD_RULES
    assert mapping.errors(mapping.page_problems(mapped_page))  # the new mapping, checked anew
    assert len(calls) == 2
