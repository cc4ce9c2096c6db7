"""The step forms and the JSON Schema accept exactly the same answers.

A corpus of forms with answers that must pass and must fail, then a property-based test:
answers generated from a FormSchema are accepted by the wizard iff the schema accepts them.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructor.formbuilder.validation import make_validator, schema_errors
from tests.formbuilder.helpers import compiled, field, options, step, when, wizard_accepts

KINDERGARTEN = compiled(
    step(
        "applicant",
        field("full_name", "applicant"),
        field("snils", "snils"),
        field("phone", "phone"),
        field("email", "email", required=False),
    ),
    step(
        "child",
        field("full_name", "child"),
        field("date", "child_birth", relative="not_future"),
        field("choice", "gardens", widget="checkboxes", choices=options("k1", "k2", "k3")),
        field("yes_no", "benefit"),
        field("text", "benefit_doc", condition=when("benefit", "is_true")),
    ),
    step(
        "extra",
        field("group", "siblings", min_items=1, max_items=3, fields=[field("text", "name")]),
        condition=when("gardens", "one_of", "k2,k3"),
    ),
    step("consent", field("consent", "agree", text="Согласен")),
)
NAME = {"surname": "Иванова", "given_name": "Анна"}
BASE = {
    "applicant": NAME,
    "snils": "11223344595",
    "phone": "+79123456789",
    "child": {"surname": "Иванов", "given_name": "Пётр", "patronymic": "Ильич"},
    "child_birth": "2021-04-01",
    "gardens": ["k1"],
    "benefit": False,
    "agree": True,
}

CORPUS = [
    ("minimal", BASE, True),
    ("with the benefit document", {**BASE, "benefit": True, "benefit_doc": "Справка №5"}, True),
    ("benefit without its document", {**BASE, "benefit": True}, False),
    ("document for a hidden question", {**BASE, "benefit_doc": "Справка"}, False),
    ("hidden step shown", {**BASE, "gardens": ["k1", "k2"], "siblings": [{"name": "Оля"}]}, True),
    ("shown step left empty", {**BASE, "gardens": ["k3"]}, False),
    ("hidden step answered", {**BASE, "siblings": [{"name": "Оля"}]}, False),
    ("no consent", {key: v for key, v in BASE.items() if key != "agree"}, False),
    ("unknown key", {**BASE, "admin": True}, False),
    ("bad SNILS", {**BASE, "snils": "11223344596"}, False),
    ("optional e-mail", {**BASE, "email": "anna@example.ru"}, True),
]


@pytest.mark.parametrize(("name", "answers", "valid"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_wizard_and_schema_agree(name, answers, valid):
    wizard, collected, errors = wizard_accepts(KINDERGARTEN, answers)
    schema = not schema_errors(make_validator(KINDERGARTEN["json_schema"]), answers)
    assert (wizard, schema) == (valid, valid), (collected, errors)


PROPERTY_FORM = compiled(
    step(
        "one",
        field("text", "t", max_length=8),
        field("number", "n", kind="integer", min_value=-5, max_value=5, required=False),
        field("date", "d", min_date=datetime.date(2000, 1, 1), relative="not_future"),
        field("choice", "c", widget="radio", choices=options("a", "b")),
        field("choice", "m", widget="checkboxes", choices=options("a", "b", "c"), required=False),
        field("yes_no", "y"),
        field("snils", "s", condition=when("y", "is_true")),
    ),
    step(
        "two",
        field("phone", "p", required=False),
        field("inn", "i", kind="organisation"),
        condition=when("c", "equals", "b"),
    ),
)
VALIDATOR = make_validator(PROPERTY_FORM["json_schema"])


def snils_with_check(nine):
    from constructor.formbuilder.identifiers import snils_check_number

    return f"{nine}{snils_check_number(nine):02d}"


def company_inn(nine):
    from stdnum.ru.inn import calc_company_check_digit

    return nine + calc_company_check_digit(nine)


def good_or_bad(good, bad):
    """Mostly plausible answers, so both accepted and rejected answers are common."""
    return st.one_of(good, good, good, bad)


NINE = st.text("0123456789", min_size=9, max_size=9)
TODAY = datetime.date.today()
VALUES = {
    "t": good_or_bad(
        st.text("абв", min_size=1, max_size=8), st.text(st.sampled_from("аб <>\tx"), max_size=10)
    ),
    "n": good_or_bad(st.integers(-5, 5), st.one_of(st.integers(-9, 9), st.floats(-6, 6))),
    "d": good_or_bad(
        st.dates(datetime.date(2000, 1, 1), TODAY),
        st.dates(datetime.date(1999, 12, 1), TODAY + datetime.timedelta(3)),
    ).map(datetime.date.isoformat),
    "c": good_or_bad(st.sampled_from("ab"), st.sampled_from(["z", "", "A"])),
    "m": good_or_bad(
        st.lists(st.sampled_from("abc"), min_size=1, max_size=3, unique=True).map(sorted),
        st.lists(st.sampled_from("abz"), max_size=3),
    ),
    "y": good_or_bad(st.booleans(), st.sampled_from(["yes", 1, None])),
    "s": good_or_bad(NINE.map(snils_with_check), st.text("0123456789- ", min_size=10, max_size=13)),
    "p": good_or_bad(
        st.text("0123456789", min_size=10, max_size=10).map("+7".__add__),
        st.text("+0123456789 ", max_size=12),
    ),
    "i": good_or_bad(NINE.map(company_inn), st.text("0123456789", min_size=9, max_size=12)),
}
ANSWERS = st.fixed_dictionaries(
    {key: VALUES[key] for key in ("t", "d", "c", "y")},
    optional={key: VALUES[key] for key in ("n", "m", "s", "p", "i")},
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ANSWERS)
def test_wizard_accepts_exactly_what_the_schema_accepts(answers):
    wizard, collected, _errors = wizard_accepts(PROPERTY_FORM, answers)
    schema = not schema_errors(VALIDATOR, answers)
    assert wizard == schema, (answers, collected, _errors)
