"""The checker's promise, tested as a property (issue 4, Proof, second bullet).

Soundness (docs/INTEGRATION.md): when ``check_mapping`` reports no error, every answer that
the FormVersion accepts gives, through ``build_payload``, a payload that the agency schema
accepts (``payload_errors`` is empty) and ``build_payload`` raises nothing.

* generated (form, agency schema, mapping) triples, kept when the checker passes them, with
  generated valid answers (``strategies.py``);
* every demo service that has a mapping (``fixtures/demo/mappings.py``);
* a sanity check that the property can fail: triples the checker refuses do produce invalid
  payloads for some valid answers.

Runs are deterministic (``derandomize=True``, no example database) and bounded.
"""

import collections
import importlib
import os

import pytest
from hypothesis import HealthCheck, Phase, assume, find, given, note, settings
from hypothesis import strategies as st

from constructor.formbuilder.checks import check_form
from constructor.formbuilder.compiler import compile_form
from tests.integrations import strategies as S

checker = pytest.importorskip(
    "constructor.integrations.proof.checker", reason="the mapping checker has not landed yet"
)
from constructor.integrations.proof.mapping import (  # noqa: E402
    build_payload,
    payload_errors,
    rules_from_stream,
)

IN_CI = os.environ.get("CI", "").lower() == "true"

DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


# --- checker soundness bugs found by this test ---------------------------------------------
#
# A bug found here gets a minimal example at the end of this file, marked xfail(strict=True),
# and an entry {name: predicate(rules) -> bool} here that keeps the generated corpus clear of
# it meanwhile. When the checker is fixed the strict xfail turns red: drop the marker (the
# example stays as a regression test) and the entry. Empty: every bug found so far is fixed.
KNOWN_CHECKER_BUGS = {}


def known_bug(rules):
    return [name for name, applies in KNOWN_CHECKER_BUGS.items() if applies(rules)]


# ``find`` without shrinking: the first example found is proof enough, shrinking is slow.
FIRST_FOUND = settings(DETERMINISTIC, max_examples=300, phases=[Phase.generate])


def errors_of(problems):
    return [problem for problem in problems if problem.severity == "error"]


def check(triple):
    rules = rules_from_stream(triple.raw_mapping)
    return rules, checker.check_mapping(triple.form_schema, rules, triple.payload_schema)


def assert_sound(form_schema, rules, payload_schema, answers, context):
    payload = build_payload(form_schema, rules, answers, context)
    note(f"payload: {payload!r}")
    problems = payload_errors(payload_schema, payload)
    assert problems == [], f"the checker passed, yet the agency schema refuses: {problems}"


# --- the generators themselves -------------------------------------------------------------


@settings(DETERMINISTIC, max_examples=60)
@given(raw=S.form_streams(), data=st.data())
def test_generated_forms_pass_the_editor_checks_and_answers_are_valid_unfiltered(raw, data):
    """The generators are exact: no editor problem, no answer the validator needs to drop."""
    assert check_form(raw) == []
    form_schema = compile_form(raw)
    answers = data.draw(S.raw_answers(form_schema))
    assert S.answer_errors(form_schema, answers) == []


# --- the property on generated triples -----------------------------------------------------


@settings(DETERMINISTIC, max_examples=160)
@given(triple=S.triples(), data=st.data())
def test_checker_is_sound_on_generated_triples(triple, data):
    rules, problems = check(triple)
    assume(not errors_of(problems))
    assume(not known_bug(rules))
    for _round in range(3):
        answers = data.draw(S.valid_answers(triple.form_schema), label="answers")
        context = data.draw(S.system_contexts(), label="context")
        assert_sound(triple.form_schema, rules, triple.payload_schema, answers, context)


def test_generated_triples_pass_the_checker_often_enough():
    """A large share of the corpus passes, so the property above is not vacuous.

    Prints the pass rate and the error codes of the rest (run with ``-s`` to see them).
    """
    outcome, codes = collections.Counter(), collections.Counter()

    @settings(DETERMINISTIC, max_examples=150)
    @given(triple=S.triples())
    def sample(triple):
        _rules, problems = check(triple)
        errors = errors_of(problems)
        outcome["pass" if not errors else "error"] += 1
        outcome[("broken" if triple.broken else "fitted", "pass" if not errors else "error")] += 1
        codes.update({problem.code for problem in errors})

    sample()
    total = outcome["pass"] + outcome["error"]
    rate = outcome["pass"] / total
    fitted_pass = outcome[("fitted", "pass")]
    fitted = fitted_pass + outcome[("fitted", "error")]
    print(
        f"\ncheck_mapping passes {outcome['pass']}/{total} generated triples ({rate:.0%}); "
        f"fitted {fitted_pass}/{fitted}, deliberately broken "
        f"{outcome[('broken', 'pass')]}/{total - fitted}; error codes: {dict(codes)}"
    )
    assert rate >= 0.3, (rate, dict(codes))
    assert outcome[("broken", "error")] > 0


# --- the sanity check: the property can fail -----------------------------------------------


def _form(*fields):
    return compile_form([S.helpers.step("s0", *fields)])


def _mapping(*rules):
    return [S.rule_block(index, *rule[:2], **rule[2]) for index, rule in enumerate(rules)]


def _schema(properties, required=()):
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


SANITY_CASES = {
    "text longer than maxLength": (
        _form(S.helpers.field("text", "note", max_length=255)),
        _schema({"note": {"type": "string", "maxLength": 10}}, ["note"]),
        _mapping(("/note", "field", {"field_path": "note"})),
        "max_length",
    ),
    "optional source into a required target": (
        _form(
            S.helpers.field("text", "name", max_length=20),
            S.helpers.field("email", "email", required=False),
        ),
        _schema(
            {"name": {"type": "string"}, "email": {"type": "string", "format": "email"}},
            ["name", "email"],
        ),
        _mapping(
            ("/name", "field", {"field_path": "name"}),
            ("/email", "field", {"field_path": "email"}),
        ),
        "optional_source",
    ),
    "choice code the agency does not know": (
        _form(
            S.helpers.field("choice", "reason", widget="radio", choices=S.choices_of(["a", "b"]))
        ),
        _schema({"reason": {"type": "string", "enum": ["a"]}}, ["reason"]),
        _mapping(("/reason", "field", {"field_path": "reason"})),
        "enum_missing",
    ),
}


@pytest.mark.parametrize("case", sorted(SANITY_CASES))
def test_the_property_can_fail_where_the_checker_reports_an_error(case):
    form_schema, payload_schema, raw_mapping, code = SANITY_CASES[case]
    rules = rules_from_stream(raw_mapping)
    problems = checker.check_mapping(form_schema, rules, payload_schema)
    assert code in {problem.code for problem in errors_of(problems)}, problems

    def refused(pair):
        answers, context = pair
        return bool(
            payload_errors(payload_schema, build_payload(form_schema, rules, answers, context))
        )

    answers, _context = find(
        st.tuples(S.valid_answers(form_schema), S.system_contexts()),
        refused,
        settings=FIRST_FOUND,
    )
    assert S.answer_errors(form_schema, answers) == []


def test_the_generator_finds_refused_triples_that_really_fail():
    """Among generated triples, some the checker refuses do yield an invalid payload."""

    @st.composite
    def refused_triple_with_answers(draw):
        triple = draw(S.triples(break_percent=30))
        answers = draw(S.valid_answers(triple.form_schema))
        return triple, answers, draw(S.system_contexts())

    def really_fails(case):
        triple, answers, context = case
        rules, problems = check(triple)
        if not errors_of(problems):
            return False
        try:
            payload = build_payload(triple.form_schema, rules, answers, context)
        except Exception:  # noqa: BLE001  (a refused mapping may not even build)
            return True
        return bool(payload_errors(triple.payload_schema, payload))

    triple, answers, _context = find(
        refused_triple_with_answers(),
        really_fails,
        settings=FIRST_FOUND,
    )
    assert S.answer_errors(triple.form_schema, answers) == []


# --- the demo services ---------------------------------------------------------------------


def demo_mappings():
    """[(service slug, integration code, raw mapping stream)] from fixtures/demo/mappings.py."""
    try:
        module = importlib.import_module("fixtures.demo.mappings")
    except ModuleNotFoundError as error:
        if error.name != "fixtures.demo.mappings":
            raise
        return None
    found = []
    for name in ("MAPPINGS", "SERVICE_MAPPINGS", "PAYLOAD_MAPPINGS"):
        mappings = getattr(module, name, None)
        if not mappings:
            continue
        for slug, entry in mappings.items():
            if isinstance(entry, dict):
                raw = entry.get("rules") or entry.get("mapping") or entry.get("payload_mapping")
                code = entry.get("integration")
            else:
                code, raw = entry
            found.append((slug, code, raw))
        break
    return found


def _demo_cases():
    found = demo_mappings()
    if not found:
        return [pytest.param(None, id="no-demo-mappings")]
    return [pytest.param(case, id=case[0]) for case in found]


@pytest.mark.parametrize("case", _demo_cases())
def test_checker_is_sound_on_the_demo_services(case):
    from fixtures.demo.agencies import INTEGRATIONS
    from fixtures.demo.forms import APPLICATION_FORMS

    if case is None:
        reason = "fixtures/demo/mappings.py has no mappings yet"
        if IN_CI:
            pytest.fail(f"{reason}: the demo services must be mapped (issue 4)")
        pytest.skip(reason)
    slug, code, raw = case
    form_schema = compile_form(APPLICATION_FORMS[slug])
    payload_schema = {item["code"]: item["schema"] for item in INTEGRATIONS}[code]
    rules = rules_from_stream(raw)
    problems = errors_of(checker.check_mapping(form_schema, rules, payload_schema))
    assert problems == [], f"the demo mapping of {slug} cannot be published: {problems}"

    @settings(DETERMINISTIC, max_examples=40)
    @given(answers=S.valid_answers(form_schema), context=S.system_contexts(service_code=slug))
    def sound(answers, context):
        assert_sound(form_schema, rules, payload_schema, answers, context)

    sound()


# --- the checker bugs this test found: minimal examples (see KNOWN_CHECKER_BUGS) ----------


def _context():
    import datetime

    from constructor.integrations.proof.mapping import SystemContext

    return SystemContext(
        number="40-2026-000123",
        submitted_at=datetime.datetime(2026, 11, 23, 21, 0, tzinfo=datetime.UTC),
        region_code="40",
        form_version=1,
        service_code="zapis-v-detskiy-sad",
    )


def assert_sound_example(form_schema, raw_mapping, payload_schema, answers):
    """The soundness promise for one example: refused, or the payload is valid."""
    assert S.answer_errors(form_schema, answers) == []
    rules = rules_from_stream(raw_mapping)
    if checker.has_errors(checker.check_mapping(form_schema, rules, payload_schema)):
        return
    payload = build_payload(form_schema, rules, answers, _context())
    assert payload_errors(payload_schema, payload) == []


def test_digits_only_of_a_text_then_to_integer_is_refused():
    """Found by the property (fixed): ``digits_only`` of a text may be empty."""
    assert_sound_example(
        _form(S.helpers.field("text", "note", max_length=20)),
        _mapping(
            (
                "/number",
                "field",
                {
                    "field_path": "note",
                    "transforms": [S.transform("digits_only"), S.transform("to_integer")],
                },
            )
        ),
        _schema({"number": {"type": "integer"}}, ["number"]),
        {"note": "нет"},
    )


def test_empty_mapping_still_checks_the_root_keywords():
    """Found by the property (fixed): with no rule, root keywords went unchecked."""
    assert_sound_example(
        _form(S.helpers.field("text", "note", max_length=20)),
        [],
        {**_schema({"note": {"type": "string"}}), "minProperties": 1},
        {"note": "текст"},
    )


def test_lookup_on_a_split_constant_proves_the_new_items():
    """Found by the property (fixed): a per-item transform of a known list kept its old items."""
    assert_sound_example(
        _form(S.helpers.field("text", "note", max_length=20)),
        _mapping(
            ("/note", "field", {"field_path": "note"}),
            (
                "/codes",
                "constant",
                {
                    "constant": "a,b",
                    "transforms": [
                        S.transform("split", separator=","),
                        S.lookup([("a", "01"), ("b", "02")], "99"),
                    ],
                },
            ),
        ),
        _schema(
            {
                "note": {"type": "string"},
                "codes": {"type": "array", "items": {"enum": ["a", "b"]}},
            },
            ["codes"],
        ),
        {"note": "текст"},
    )


# --- determinism: the publish gate must not depend on the process --------------------------

HASH_SEED_PROBE = """
import django
django.setup()
from constructor.formbuilder.compiler import compile_form
from constructor.integrations.proof.checker import check_mapping
from constructor.integrations.proof.mapping import rules_from_stream
from tests.integrations import strategies as S
form = compile_form([S.helpers.step("s0", S.helpers.field("snils", "snils"))])
schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
transforms = [S.transform("digits_only"), S.transform("to_integer")]
rules = rules_from_stream([S.rule_block(0, "/n", field_path="snils", transforms=transforms)])
print(sorted(p.code for p in check_mapping(form, rules, schema) if p.severity == "error"))
"""


# Once a checker bug: Shape.digit_intervals picked among a frozenset's patterns in hash order.
def test_the_checker_gives_the_same_answer_in_every_process():
    import pathlib
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parents[2]
    answers = set()
    for seed in ("1", "2", "3", "4"):
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "DJANGO_SETTINGS_MODULE": "constructor.settings.test",
        }
        done = subprocess.run(
            [sys.executable, "-c", HASH_SEED_PROBE],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        answers.add(done.stdout.strip())
    assert len(answers) == 1, answers
