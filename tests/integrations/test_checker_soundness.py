"""Soundness on one mixed form: answers the form accepts give payloads the agency accepts.

For a mapping the checker passes, hypothesis generates answers, keeps those the form's own
validator accepts, and checks the built payload against the agency schema.
"""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructor.formbuilder.validation import make_validator, schema_errors
from constructor.integrations.proof.checker import check_mapping, has_errors
from constructor.integrations.proof.mapping import SystemContext, build_payload, payload_errors
from tests.formbuilder.helpers import compiled, field, options, step, when
from tests.integrations.mapping_helpers import lookup, obj, rule, rules, string, t

FORM = compiled(
    step(
        "main",
        field("full_name", "name", "ФИО"),
        field("date", "birth", "Дата рождения"),
        field("snils", "snils", "СНИЛС", required=False),
        field("choice", "benefit", "Льгота", widget="radio", choices=options("none", "large")),
        field("yes_no", "has_kids", "Есть дети"),
        field("number", "income", "Доход", kind="decimal", min_value=0, max_value=1000000),
        field("text", "note", "Примечание", required=False, max_length=40),
    ),
    step(
        "kids",
        field(
            "group",
            "kids",
            "Дети",
            min_items=1,
            max_items=3,
            fields=[
                field("text", "kid_name", "Имя", max_length=30),
                field("date", "kid_birth", "Дата рождения", required=False),
            ],
        ),
        condition=when("has_kids", "is_true"),
    ),
)

SCHEMA = obj(
    ["fio", "birth", "benefit", "income", "flags"],
    fio=string(maxLength=1000, minLength=3),
    surname=string(maxLength=100),
    birth=string(pattern=r"^\d{2}\.\d{2}\.\d{4}$"),
    snils=string(pattern=r"^\d{11}$"),
    benefit=string(enum=["0", "1"]),
    income={"type": "number", "minimum": 0},
    note=string(maxLength=40),
    flags=obj(["kids"], kids=string(enum=["Y", "N"]), number=string(maxLength=20)),
    kids={
        "type": "array",
        "minItems": 1,
        "maxItems": 5,
        "items": obj(["name"], name=string(maxLength=30), birth=string(format="date")),
    },
)

MAPPING = rules(
    rule("/fio", "name", transforms=[t("join"), t("upper")]),
    rule("/surname", "name.surname"),
    rule("/birth", "birth", transforms=[t("date_format")]),
    rule("/snils", "snils"),
    rule("/benefit", "benefit", transforms=[lookup([("none", "0"), ("large", "1")])]),
    rule("/income", "income"),
    rule("/note", "note"),
    rule("/flags/kids", "has_kids", transforms=[lookup([("true", "Y"), ("false", "N")])]),
    rule("/flags/number", source="system", system="number"),
    rule("/kids/*/name", "kids.kid_name"),
    rule("/kids/*/birth", "kids.kid_birth"),
)

CONTEXT = SystemContext(
    "40-2026-000001",
    datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    "40",
    1,
    "4000000012",
)
VALIDATOR = make_validator(FORM["json_schema"])

names = st.from_regex(r"\A[А-ЯЁа-яё]{1,12}(?:-[А-ЯЁа-яё]{1,12})?\Z")
texts = st.text(min_size=1, max_size=45)
dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 1, 1)).map(
    datetime.date.isoformat
)


@st.composite
def answers(draw):
    result = {
        "name": {"surname": draw(names), "given_name": draw(names)},
        "birth": draw(dates),
        "benefit": draw(st.sampled_from(["none", "large"])),
        "has_kids": draw(st.booleans()),
        "income": draw(
            st.one_of(st.integers(0, 1000000), st.decimals(0, 1000000, places=2).map(float))
        ),
    }
    if draw(st.booleans()):
        result["name"]["patronymic"] = draw(names)
    if draw(st.booleans()):
        result["snils"] = draw(st.sampled_from(["11223344595", "08765430300", "00000000101"]))
    if draw(st.booleans()):
        result["note"] = draw(texts)
    if result["has_kids"]:
        kids = []
        for _ in range(draw(st.integers(1, 3))):
            kid = {"kid_name": draw(texts)}
            if draw(st.booleans()):
                kid["kid_birth"] = draw(dates)
            kids.append(kid)
        result["kids"] = kids
    return result


def test_the_mapping_is_checked():
    problems = check_mapping(FORM, MAPPING, SCHEMA)
    assert not has_errors(problems), [p for p in problems if p.severity == "error"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(answers())
def test_accepted_answers_give_valid_payloads(answer):
    if schema_errors(VALIDATOR, answer):
        return  # the form would refuse it: nothing is promised
    payload = build_payload(FORM, MAPPING, answer, CONTEXT)
    assert payload_errors(SCHEMA, payload) == [], payload
