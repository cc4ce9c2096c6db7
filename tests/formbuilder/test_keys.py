"""Keys made from labels: editors write questions, the form gets stable snake_case keys."""

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from blocks.form import ApplicationFormBlock
from constructor.applications.display import answer_rows
from constructor.formbuilder.checks import check_form
from constructor.formbuilder.compiler import compile_form
from constructor.formbuilder.keys import code_from_label, key_from_label
from constructor.formbuilder.models import FormVersion
from constructor.formbuilder.registry import KEY_PATTERN
from constructor.formbuilder.validation import make_validator, schema_errors
from constructor.integrations.proof.checker import check_mapping
from constructor.integrations.proof.targets import source_choices
from constructor.services.models import ServicePage
from tests.formbuilder.helpers import field, step, when, wizard_accepts
from tests.integrations.mapping_helpers import rule, rules

NO_CONDITION = {"field": "", "operator": "equals", "value": ""}


def unkeyed(type_, label, **options):
    """A field block as the editor sends it when nobody typed a key."""
    return field(type_, "", label, **options)


def unkeyed_step(title, *fields):
    return step("", *fields, title=title)


def option(label, code="", index=0):
    return {"type": "item", "value": {"code": code, "label": label}, "id": f"option-{index}"}


def saved(raw, *, draft=False):
    """What the form block stores for ``raw``, as a draft save or a publish would."""
    block = ApplicationFormBlock()
    value = block.to_python(raw)
    cleaned = block.clean_deferred(value) if draft else block.clean(value)
    return block.get_prep_value(cleaned)


def keys_of(raw):
    step_value = raw[0]["value"]
    return [child["value"]["key"] for child in step_value["fields"]]


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Телефон", "telefon"),
        ("Дата рождения ребёнка", "data_rozhdeniya_rebenka"),
        ("Подъезд", "podezd"),
        ("Ваш e-mail", "vash_e_mail"),
        ("ИНН организации", "inn_organizatsii"),
        ("1. Сведения о заявителе", "svedeniya_o_zayavitele"),
        ("Согласие на обработку персональных данных", "soglasie_na_obrabotku_personalnykh"),
        ("«Льгота» — есть?", "lgota_est"),
    ],
)
def test_a_key_is_the_transliterated_label_in_snake_case(label, key):
    assert key_from_label(label, fallback="text") == key
    assert re.fullmatch(KEY_PATTERN, key)


@pytest.mark.parametrize(
    "label", ["123", "???", "", "\x00\x1f", "'\"<script>", "Ёжик " * 200, "日本語のラベル"]
)
def test_any_label_gives_a_valid_key(label):
    key = key_from_label(label, fallback="text")
    assert re.fullmatch(KEY_PATTERN, key), key
    assert len(key) <= 40


def test_option_codes_may_start_with_a_digit():
    assert code_from_label("1–2 ребёнка") == "1_2_rebenka"
    assert code_from_label("Да") == "da"
    assert code_from_label("—") == "option"


def test_a_form_of_labels_only_gets_every_key_on_a_draft_save():
    raw = [
        unkeyed_step(
            "Контакты",
            unkeyed("full_name", "ФИО заявителя"),
            unkeyed("phone", "Телефон"),
            unkeyed(
                "choice",
                "Льгота",
                widget="radio",
                choices=[option("Есть", index=0), option("Нет", index=1)],
            ),
        )
    ]
    stored = saved(raw, draft=True)
    step_value = stored[0]["value"]
    assert step_value["key"] == "kontakty"
    assert keys_of(stored) == ["fio_zayavitelya", "telefon", "lgota"]
    choices = step_value["fields"][2]["value"]["choices"]
    assert [item["value"]["code"] for item in choices] == ["est", "net"]
    # Block ids survive: comments and the editor's anchors point at them.
    assert [item["id"] for item in choices] == ["option-0", "option-1"]


def test_duplicate_labels_get_numbered_keys_and_codes():
    raw = [
        unkeyed_step(
            "Контакты",
            unkeyed("phone", "Телефон"),
            unkeyed("phone", "Телефон"),
            unkeyed("choice", "Ответ", choices=[option("Да", index=0), option("Да", index=1)]),
        ),
        unkeyed_step("Контакты", unkeyed("phone", "Телефон")),
    ]
    stored = saved(raw)
    assert keys_of(stored) == ["telefon", "telefon_2", "otvet"]
    assert stored[1]["value"]["key"] == "kontakty_2"
    assert stored[1]["value"]["fields"][0]["value"]["key"] == "telefon_3"
    codes = [item["value"]["code"] for item in stored[0]["value"]["fields"][2]["value"]["choices"]]
    assert codes == ["da", "da_2"]


def test_a_new_key_avoids_the_keys_typed_anywhere_in_the_form():
    raw = [
        unkeyed_step("Первый", unkeyed("phone", "Телефон")),
        step("second", field("text", "telefon", "Номер")),
    ]
    assert keys_of(saved(raw)) == ["telefon_2"]


def test_a_saved_key_stays_when_the_label_is_reworded():
    stored = saved([unkeyed_step("Контакты", unkeyed("phone", "Телефон"))])
    stored[0]["value"]["title"] = "Как с вами связаться"
    stored[0]["value"]["fields"][0]["value"]["label"] = "Мобильный телефон"
    again = saved(stored)
    assert again[0]["value"]["key"] == "kontakty"
    assert keys_of(again) == ["telefon"]


def test_a_block_without_a_label_waits_for_one():
    stored = saved([unkeyed_step("Контакты", unkeyed("phone", ""))], draft=True)
    assert keys_of(stored) == [""]


def test_a_form_made_in_code_without_keys_compiles_with_the_editors_keys():
    raw = [unkeyed_step("Контакты", unkeyed("phone", "Телефон"))]
    schema = compile_form(raw)
    assert schema["layout"]["steps"][0]["key"] == "kontakty"
    assert list(schema["json_schema"]["properties"]) == ["telefon"]
    assert raw[0]["value"]["key"] == ""  # the stored data is not changed by compiling
    assert compile_form(saved(raw)) == schema


def test_a_typed_duplicate_key_is_refused_with_what_to_do():
    raw = [step("s", field("text", "name", "Имя"), field("text", "name", "Имя ребёнка"))]
    [(path, message)] = check_form(raw)
    assert path == (0, "fields", 1, "key")
    assert "«Имя»" in message and "Clear this key" in message


# Keys are scoped: a group's fields are a namespace of their own.

SCOPED_FORM = [
    step(
        "applicant",
        field("text", "name", "Имя заявителя"),
        field(
            "group",
            "children",
            "Дети",
            min_items=1,
            max_items=3,
            fields=[field("text", "name", "Имя ребёнка"), field("date", "birth_date", "Дата")],
        ),
    )
]
SCOPED_ANSWERS = {
    "name": "Анна",
    "children": [{"name": "Олег", "birth_date": "2020-01-02"}],
}


def test_a_key_in_a_group_does_not_clash_with_one_outside():
    assert check_form(SCOPED_FORM) == []
    ApplicationFormBlock().clean(ApplicationFormBlock().to_python(SCOPED_FORM))


def test_a_condition_names_the_top_level_field_and_never_a_group_field():
    shared = [*SCOPED_FORM, step("more", field("text", "why", condition=when("name", "filled")))]
    assert check_form(shared) == []
    only_in_group = [
        *SCOPED_FORM,
        step("more", field("text", "why", condition=when("birth_date", "filled"))),
    ]
    [(path, message)] = check_form(only_in_group)
    assert path == (1, "fields", 0, "condition", "field") and "repeatable group" in message


def test_group_keys_are_made_unique_within_their_group_only():
    raw = [
        unkeyed_step(
            "Заявитель",
            unkeyed("text", "Имя"),
            unkeyed(
                "group",
                "Дети",
                min_items=1,
                max_items=3,
                fields=[unkeyed("text", "Имя"), unkeyed("text", "Имя")],
            ),
        )
    ]
    stored = saved(raw)
    assert keys_of(stored) == ["imya", "deti"]
    nested = stored[0]["value"]["fields"][1]["value"]["fields"]
    assert [child["value"]["key"] for child in nested] == ["imya", "imya_2"]


def test_scoped_keys_hold_through_schema_wizard_display_and_mapping():
    schema = compile_form(SCOPED_FORM)
    assert schema_errors(make_validator(schema["json_schema"]), SCOPED_ANSWERS) == []
    accepted, answers, errors = wizard_accepts(schema, SCOPED_ANSWERS)
    assert accepted, errors
    rows = answer_rows(schema["layout"]["steps"], answers)
    assert [row[1] for row in rows] == ["Имя заявителя", "Дети"]
    assert "Анна" in rows[0][2] and "Олег" in rows[1][2] and "Анна" not in rows[1][2]

    paths = [entry["path"] for entry in source_choices(schema)]
    assert "name" in paths and "children.name" in paths
    payload_schema = {
        "type": "object",
        "required": ["applicant", "children"],
        "properties": {
            "applicant": {"type": "string"},
            "children": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}},
                },
            },
        },
    }
    mapping = rules(rule("/applicant", "name"), rule("/children/*/name", "children.name"))
    errors = [p for p in check_mapping(schema, mapping, payload_schema) if p.severity == "error"]
    assert errors == []


# Through the page editor


def form_post(*fields, title="Сведения о заявителе", key=""):
    return streamfield(
        [
            (
                "step",
                {
                    "key": key,
                    "title": title,
                    "intro": "",
                    "condition": NO_CONDITION,
                    "fields": streamfield(list(fields)),
                },
            )
        ]
    )


def text_post(label, key=""):
    return (
        "text",
        {
            "key": key,
            "label": label,
            "hint": "",
            "required": "on",
            "condition": NO_CONDITION,
            "max_length": "",
        },
    )


@pytest.fixture
def service(region, category, make_service):
    return make_service(region, "Запись в детский сад", category, "4000000012")


@pytest.fixture
def admin_client(client, federal_admin):
    client.force_login(federal_admin)
    return client


def post_edit(client, page, build, form, *, publish, extra=None):
    data = build(page.title, page.service_code, page.category, slug=page.slug, publish=publish)
    data.update(nested_form_data({"application_form": form, **(extra or {})}))
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def latest_form(page):
    return ServicePage.objects.get(pk=page.pk).get_latest_revision_as_object().application_form


def test_a_published_key_survives_rewording_and_the_mapping_still_holds(
    admin_client, service, service_page_form_data
):
    from constructor.integrations.models import Agency, Integration

    integration = Integration.objects.create(
        agency=Agency.objects.create(name="Минобр", short_name="Минобр", code="minobr-keys"),
        name="Очередь",
        code="queue-keys",
        endpoint_url="http://127.0.0.1:9/queue/",
        payload_schema={
            "type": "object",
            "required": ["last_name"],
            "properties": {"last_name": {"type": "string"}},
        },
        hmac_secret="test-secret",
    )
    mapping = {
        "integration": str(integration.pk),
        "payload_mapping": streamfield(
            [
                (
                    "rule",
                    {
                        "target": "/last_name",
                        "source": "field",
                        "field": "familiya",
                        "constant": "",
                        "system": "",
                        "transforms": streamfield([]),
                        "default": "",
                    },
                )
            ]
        ),
    }
    first = post_edit(
        admin_client,
        service,
        service_page_form_data,
        form_post(text_post("Фамилия")),
        publish=True,
        extra=mapping,
    )
    assert first.status_code == 302, first.context["form"].errors
    version = FormVersion.objects.get(page=service)
    assert list(version.schema["json_schema"]["properties"]) == ["familiya"]
    assert version.schema["layout"]["steps"][0]["key"] == "svedeniya_o_zayavitele"

    # The editor rewords the question; the stored key comes back with the form, as it is drawn.
    reworded = post_edit(
        admin_client,
        service,
        service_page_form_data,
        form_post(
            text_post("Фамилия по паспорту", key="familiya"),
            title="О вас",
            key="svedeniya_o_zayavitele",
        ),
        publish=True,
        extra=mapping,
    )
    assert reworded.status_code == 302, reworded.context["form"].errors
    latest = FormVersion.objects.filter(page=service).latest("number")
    assert latest.number == 2
    assert list(latest.schema["json_schema"]["properties"]) == ["familiya"]
    assert latest.schema["layout"]["steps"][0]["fields"][0]["label"] == "Фамилия по паспорту"


def test_hostile_labels_still_save_with_valid_keys(admin_client, service, service_page_form_data):
    labels = ["'; DROP TABLE x; --", "<script>alert(1)</script>", "Я" * 255]
    response = post_edit(
        admin_client,
        service,
        service_page_form_data,
        form_post(*(text_post(label) for label in labels)),
        publish=False,
    )
    assert response.status_code == 302
    stored = latest_form(service).raw_data
    keys = [child["value"]["key"] for child in stored[0]["value"]["fields"]]
    assert all(re.fullmatch(KEY_PATTERN, key) for key in keys), keys
    assert len(set(keys)) == 3


def test_a_nul_in_a_label_is_refused_at_the_label_and_nothing_else_breaks(
    admin_client, service, service_page_form_data
):
    response = post_edit(
        admin_client,
        service,
        service_page_form_data,
        form_post(text_post("Фамилия\x00")),
        publish=True,
    )
    assert response.status_code == 200
    assert "application_form" in response.context["form"].errors


def test_mapping_suggestions_offer_the_keys_made_from_labels(
    admin_client, service, service_page_form_data
):
    group = (
        "group",
        {
            "key": "",
            "label": "Дети",
            "hint": "",
            "required": "on",
            "condition": NO_CONDITION,
            "min_items": "1",
            "max_items": "5",
            "fields": streamfield([text_post("Имя")]),
        },
    )
    response = post_edit(
        admin_client,
        service,
        service_page_form_data,
        form_post(text_post("Имя"), group),
        publish=False,
    )
    assert response.status_code == 302
    options = admin_client.get(reverse("services_mapping_options", args=[service.pk])).json()
    paths = [source["path"] for source in options["sources"]]
    assert paths[:2] == ["imya", "deti"] and "deti.imya" in paths
