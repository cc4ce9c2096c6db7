"""Patterns mean what they mean to an agency's validator (ECMA-262), not Python's looser reading."""

import pytest

from constructor.formbuilder.compiler import compile_form
from constructor.formbuilder.patterns import ecma_to_python, pattern_search
from constructor.formbuilder.validation import make_validator
from constructor.integrations.proof.mapping import payload_errors


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (r"^\d{4}$", "1234", True),
        (r"^\d{4}$", "1234\n", False),  # Python's $ lets a final newline through
        (r"^\d{4}$", "١٢٣٤", False),  # Python's \d matches Arabic-Indic digits
        (r"^\d{3}-\d{3}$", "770-001", True),
        (r"^[А-ЯЁ]{2}$", "МЮ", True),
        (r"^[$]\$$", "$$", True),  # a $ in a class or escaped is a character
        (r"\d", "a1b", True),  # search, not full match, as JSON Schema says
    ],
)
def test_pattern_search(pattern, text, matches):
    assert pattern_search(pattern, text) is matches


def test_only_a_bare_dollar_becomes_end_of_input():
    assert ecma_to_python(r"^a[$]\$b$") == r"^a[$]\$b\Z"


def test_the_form_validator_refuses_what_an_agency_would():
    schema = compile_form(
        [
            {
                "type": "step",
                "value": {
                    "key": "one",
                    "title": "One",
                    "fields": [
                        {
                            "type": "passport",
                            "value": {"key": "passport", "label": "Passport", "required": True},
                        }
                    ],
                },
            }
        ]
    )["json_schema"]
    validator = make_validator(schema)
    good = {
        "series": "4510",
        "number": "123456",
        "issue_date": "2015-05-05",
        "issuer_code": "770-001",
    }
    assert not list(validator.iter_errors({"passport": good}))
    for bad in ({**good, "series": "4510\n"}, {**good, "number": "١٢٣٤٥٦"}):
        assert list(validator.iter_errors({"passport": bad}))


def test_the_payload_validator_reads_patterns_the_same_way():
    schema = {"type": "object", "properties": {"snils": {"type": "string", "pattern": r"^\d{11}$"}}}
    assert payload_errors(schema, {"snils": "12345678901"}) == []
    assert payload_errors(schema, {"snils": "12345678901\n"})
