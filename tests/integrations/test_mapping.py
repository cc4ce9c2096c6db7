"""The payload builder: sources, transforms, groups, defaults and system values."""

import dataclasses
import datetime

import pytest

from constructor.integrations.proof import transforms as tf
from constructor.integrations.proof.checker import check_mapping, has_errors
from constructor.integrations.proof.mapping import (
    MappingError,
    SystemContext,
    build_payload,
    payload_errors,
    payload_validator,
    rules_from_stream,
)
from tests.formbuilder.helpers import compiled, field, options, step, when
from tests.integrations.mapping_helpers import lookup, obj, rule, rules, string, t

MSK = datetime.timezone(datetime.timedelta(hours=3))
CONTEXT = SystemContext(
    number="40-2026-000123",
    submitted_at=datetime.datetime(2026, 3, 1, 23, 30, 5, 123, tzinfo=MSK),
    region_code="40",
    form_version=3,
    service_code="4000000012",
)

FORM = compiled(
    step(
        "applicant",
        field("full_name", "applicant_name", "ФИО"),
        field("date", "birth_date", "Дата рождения"),
        field("snils", "snils", "СНИЛС"),
        field("phone", "phone", "Телефон", required=False),
        field("passport", "passport", "Паспорт"),
        field("choice", "benefit", "Льгота", widget="radio", choices=options("none", "large")),
        field("yes_no", "full_day", "Полный день"),
        field(
            "choice",
            "languages",
            "Языки",
            required=False,
            widget="checkboxes",
            choices=options("ru", "en"),
        ),
        field("text", "okved", "Коды ОКВЭД", required=False),
    ),
    step(
        "children",
        field(
            "group",
            "children",
            "Дети",
            min_items=1,
            max_items=5,
            fields=[
                field("full_name", "name", "ФИО ребёнка"),
                field("date", "birth_date", "Дата рождения ребёнка"),
                field("snils", "snils", "СНИЛС ребёнка", required=False),
            ],
        ),
        condition=when("benefit", "equals", "large"),
    ),
)

ANSWERS = {
    "applicant_name": {"surname": "Иванова", "given_name": "Мария", "patronymic": "Петровна"},
    "birth_date": "1990-05-06",
    "snils": "11223344595",
    "passport": {
        "series": "4509",
        "number": "123456",
        "issue_date": "2010-06-01",
        "issuer_code": "770-001",
    },
    "benefit": "large",
    "full_day": True,
    "children": [
        {"name": {"surname": "Иванов", "given_name": "Пётр"}, "birth_date": "2020-01-02"},
        {
            "name": {"surname": "Иванова", "given_name": "Анна"},
            "birth_date": "2022-03-04",
            "snils": "11223344595",
        },
    ],
}


def test_rules_from_stream_normalises_the_raw_stream():
    raw = [
        rule("/a", "snils", transforms=[t("digits_only"), lookup([("x", "1")], "9")]),
        {"type": "other", "value": {}},
        {"type": "rule", "value": {"target": " /b ", "source": "constant", "constant": "7"}},
    ]

    class Stream:  # a StreamValue gives its raw data this way
        raw_data = raw

    for parsed in (rules_from_stream(raw), rules_from_stream(Stream())):
        assert parsed[0] == {
            "index": 0,
            "target": "/a",
            "source": "field",
            "field": "snils",
            "constant": "",
            "system": "",
            "transforms": [
                {"type": "digits_only"},
                {"type": "lookup", "table": [{"from": "x", "to": "1"}], "fallback": "9"},
            ],
            "default": None,
        }
        assert parsed[1]["index"] == 1
        assert parsed[1]["target"] == "/b"
        assert parsed[1]["default"] is None
        assert parsed[1]["transforms"] == []
    assert rules_from_stream(None) == []


def test_fields_parts_and_nested_targets():
    payload = build_payload(
        FORM,
        rules(
            rule("/applicant/full_name/last_name", "applicant_name.surname"),
            rule("/applicant/full_name/first_name", "applicant_name.given_name"),
            rule("/applicant/snils", "snils"),
            rule("/passport", "passport"),
        ),
        ANSWERS,
        CONTEXT,
    )
    assert payload == {
        "applicant": {
            "full_name": {"last_name": "Иванова", "first_name": "Мария"},
            "snils": "11223344595",
        },
        "passport": ANSWERS["passport"],
    }
    assert payload["passport"] is not ANSWERS["passport"]  # a copy, never the answers


def test_absent_source_leaves_the_target_out_or_uses_the_default():
    mapping = rules(
        rule("/phone", "phone"),
        rule("/contact", "phone", default="+70000000000"),
        rule("/middle", "children.snils", default=""),
    )
    assert build_payload(FORM, mapping, ANSWERS, CONTEXT) == {
        "contact": "+70000000000",
        "middle": ["11223344595"],
    }


def test_default_goes_through_the_transforms():
    mapping = rules(
        rule("/count", "okved", transforms=[t("to_integer")], default="0"),
        rule("/flag", "languages", transforms=[lookup([("ru", "R")])], default="ru"),
    )
    assert build_payload(FORM, mapping, ANSWERS, CONTEXT) == {"count": 0, "flag": "R"}


def test_system_values():
    mapping = rules(
        *[
            rule(f"/{name}", source="system", system=name)
            for name in (
                "number",
                "submitted_at",
                "submitted_on",
                "region_code",
                "form_version",
                "service_code",
            )
        ]
    )
    assert build_payload(FORM, mapping, {}, CONTEXT) == {
        "number": "40-2026-000123",
        "submitted_at": "2026-03-01T23:30:05+03:00",
        "submitted_on": "2026-03-01",
        "region_code": "40",
        "form_version": 3,
        "service_code": "4000000012",
    }


def test_submission_date_is_the_portal_date_not_the_utc_one():
    # 22:30 UTC on 1 March is already 2 March in Moscow, the date on the citizen's receipt.
    late = dataclasses.replace(
        CONTEXT, submitted_at=datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.UTC)
    )
    mapping = rules(
        rule("/on", source="system", system="submitted_on"),
        rule("/at", source="system", system="submitted_at"),
    )
    assert build_payload(FORM, mapping, {}, late) == {
        "on": "2026-03-02",
        "at": "2026-03-02T01:30:00+03:00",
    }


def test_constants_with_transforms():
    mapping = rules(
        rule("/citizenship", source="constant", constant="1"),
        rule("/kind", source="constant", constant="7", transforms=[t("to_integer")]),
    )
    assert build_payload(FORM, mapping, {}, CONTEXT) == {"citizenship": "1", "kind": 7}


def test_group_spreads_into_array_items():
    mapping = rules(
        rule("/children/*/last_name", "children.name.surname"),
        rule("/children/*/birth_date", "children.birth_date", transforms=[t("date_format")]),
        rule("/children/*/snils", "children.snils"),
        rule("/children/*/relation", source="constant", constant="child"),
        rule("/names/*", "children.name", transforms=[t("join")]),
    )
    payload = build_payload(FORM, mapping, ANSWERS, CONTEXT)
    assert payload == {
        "children": [
            {"last_name": "Иванов", "birth_date": "02.01.2020", "relation": "child"},
            {
                "last_name": "Иванова",
                "birth_date": "04.03.2022",
                "snils": "11223344595",
                "relation": "child",
            },
        ],
        "names": ["Иванов Пётр", "Иванова Анна"],
    }


def test_group_without_star_gives_an_array_of_present_values():
    mapping = rules(
        rule("/birth_dates", "children.birth_date", transforms=[t("date_format", format="%Y%m%d")]),
        rule("/snils_list", "children.snils"),
    )
    assert build_payload(FORM, mapping, ANSWERS, CONTEXT) == {
        "birth_dates": ["20200102", "20220304"],
        "snils_list": ["11223344595"],
    }


def test_absent_group_builds_no_array():
    answers = {key: value for key, value in ANSWERS.items() if key != "children"}
    mapping = rules(
        rule("/children/*/last_name", "children.name.surname"),
        rule("/children/*/relation", source="constant", constant="child"),
    )
    assert build_payload(FORM, mapping, answers, CONTEXT) == {}


def test_transforms_on_values():
    assert tf.apply([{"type": "date_format", "format": "%d.%m.%Y"}], "0999-01-02") == "02.01.0999"
    assert tf.apply([{"type": "date_format", "format": "%Y%m%d"}], "2024-12-31") == "20241231"
    assert tf.apply([{"type": "join", "separator": ", "}], ["a", "", "b"]) == "a, b"
    assert tf.apply([{"type": "split", "separator": ";"}], " a; ;b ;") == ["a", "b"]
    assert tf.apply([{"type": "digits_only"}], "+7 (912) 345-67-89") == "79123456789"
    assert tf.apply([{"type": "upper"}], ["ab", "вг"]) == ["AB", "ВГ"]
    assert tf.apply([{"type": "to_integer"}], " 0042 ") == 42
    assert tf.apply([{"type": "to_integer"}], 5.0) == 5
    assert tf.apply([{"type": "to_number"}], "2,5") == 2.5
    table = {"type": "lookup", "table": [{"from": "true", "to": "Y"}], "fallback": "N"}
    assert tf.apply([table], True) == "Y"
    assert tf.apply([table], False) == "N"
    for transforms, value in [
        ([{"type": "date_format"}], "01.02.2024"),
        ([{"type": "to_integer"}], "12a"),
        ([{"type": "to_integer"}], 2.5),
        ([{"type": "lookup", "table": [], "fallback": ""}], "x"),
        ([{"type": "nonsense"}], "x"),
    ]:
        with pytest.raises(tf.TransformError):
            tf.apply(transforms, value)


def test_join_follows_the_form_order_not_the_stored_order():
    stored = {"given_name": "Мария", "patronymic": "Петровна", "surname": "Иванова"}
    answers = {**ANSWERS, "applicant_name": stored}
    payload = build_payload(
        FORM, rules(rule("/fio", "applicant_name", transforms=[t("join")])), answers, CONTEXT
    )
    assert payload == {"fio": "Иванова Мария Петровна"}


def test_unchecked_mappings_raise_a_clear_error():
    for bad in (
        rules(rule("/x", "no_such_field")),
        rules(rule("nope", "snils")),
        rules(rule("/x", "snils", transforms=[t("date_format")])),
        rules(rule("/x", "snils"), rule("/x", "snils")),
        rules(rule("/x/*", "snils")),
    ):
        with pytest.raises(MappingError):
            build_payload(FORM, bad, ANSWERS, CONTEXT)


def test_payload_validator_is_cached_and_asserts_formats():
    schema = obj(["email"], email=string(format="email"), day=string(format="date"))
    same = obj(["email"], day=string(format="date"), email=string(format="email"))
    assert payload_validator(schema) is payload_validator(same)
    assert payload_errors(schema, {"email": "a@b.ru", "day": "2024-02-29"}) == []
    problems = payload_errors(schema, {"email": "nobody", "day": "2023-02-29"})
    assert [pointer for pointer, _message in problems] == ["/day", "/email"]
    assert payload_errors(schema, {})[0][0] == "/email"


def test_a_checked_mapping_builds_a_valid_payload():
    schema = obj(
        ["applicant", "benefit", "children", "submitted"],
        applicant=obj(
            ["full_name", "snils", "birth_date"],
            full_name=obj(
                ["last_name", "first_name"],
                last_name=string(maxLength=100),
                first_name=string(maxLength=100),
                middle_name=string(maxLength=100),
            ),
            snils=string(pattern=r"^\d{11}$"),
            birth_date=string(pattern=r"^\d{2}\.\d{2}\.\d{4}$"),
        ),
        benefit={"type": "string", "enum": ["0", "1"]},
        full_day={"type": "boolean"},
        children={
            "type": "array",
            "minItems": 1,
            "items": obj(
                ["last_name", "birth_date"],
                last_name=string(),
                birth_date=string(format="date"),
                snils=string(pattern=r"^\d+$"),
            ),
        },
        submitted=string(format="date"),
        version={"type": "integer", "minimum": 1},
    )
    form = compiled(*FORM_STEPS_UNCONDITIONAL)
    mapping = rules(
        rule("/applicant/full_name/last_name", "applicant_name.surname"),
        rule("/applicant/full_name/first_name", "applicant_name.given_name"),
        rule("/applicant/full_name/middle_name", "applicant_name.patronymic"),
        rule("/applicant/snils", "snils"),
        rule("/applicant/birth_date", "birth_date", transforms=[t("date_format")]),
        rule("/benefit", "benefit", transforms=[lookup([("none", "0"), ("large", "1")])]),
        rule("/full_day", "full_day"),
        rule("/children/*/last_name", "children.name.surname"),
        rule("/children/*/birth_date", "children.birth_date"),
        rule("/children/*/snils", "children.snils"),
        rule("/submitted", source="system", system="submitted_on"),
        rule("/version", source="system", system="form_version"),
    )
    problems = check_mapping(form, mapping, schema)
    assert not has_errors(problems), problems
    answers = {key: value for key, value in ANSWERS.items() if key != "phone"}
    payload = build_payload(form, mapping, answers, CONTEXT)
    assert payload_errors(schema, payload) == []


FORM_STEPS_UNCONDITIONAL = [
    step(
        "applicant",
        field("full_name", "applicant_name", "ФИО"),
        field("date", "birth_date", "Дата рождения"),
        field("snils", "snils", "СНИЛС"),
        field("choice", "benefit", "Льгота", widget="radio", choices=options("none", "large")),
        field("yes_no", "full_day", "Полный день"),
    ),
    step(
        "children",
        field(
            "group",
            "children",
            "Дети",
            min_items=1,
            max_items=5,
            fields=[
                field("full_name", "name", "ФИО ребёнка"),
                field("date", "birth_date", "Дата рождения ребёнка"),
                field("snils", "snils", "СНИЛС ребёнка", required=False),
            ],
        ),
    ),
]
