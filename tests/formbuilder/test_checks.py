"""Editor checks: each problem is reported at the offending block, and a clean form passes."""

import pytest
from wagtail.blocks import StreamBlockValidationError

from blocks.form import ApplicationFormBlock
from constructor.formbuilder.checks import check_form
from fixtures.demo.forms import APPLICATION_FORMS
from tests.formbuilder.helpers import field, info, options, step, when


def good_form():
    return [
        step(
            "applicant",
            field("full_name", "name"),
            field("yes_no", "benefit"),
            field("file", "proof", condition=when("benefit", "is_true")),
            field("choice", "kind", widget="radio", choices=options("a", "b")),
            field("text", "detail", condition=when("kind", "equals", "b")),
        ),
        step(
            "children",
            field("group", "kids", min_items=1, max_items=3, fields=[field("text", "kid")]),
            condition=when("kind", "one_of", "a, b"),
        ),
    ]


def test_a_good_form_has_no_problems():
    assert check_form(good_form()) == []


CASES = {
    "duplicate key": (
        [step("s", field("text", "name"), field("email", "name"))],
        (0, "fields", 1, "key"),
        "already used",
    ),
    "duplicate key inside a group": (
        [
            step(
                "s",
                field("group", "g", fields=[field("text", "name"), field("date", "name")]),
            )
        ],
        (0, "fields", 0, "fields", 1, "key"),
        "already used",
    ),
    "unknown field": (
        [step("s", field("text", "a", condition=when("ghost", "filled")))],
        (0, "fields", 0, "condition", "field"),
        "no field with the key ghost",
    ),
    "later step": (
        [
            step("one", field("text", "a", condition=when("b", "filled"))),
            step("two", field("text", "b")),
        ],
        (0, "fields", 0, "condition", "field"),
        "comes later",
    ),
    "later in the same step": (
        [step("s", field("text", "a", condition=when("b", "filled")), field("text", "b"))],
        (0, "fields", 0, "condition", "field"),
        "comes later",
    ),
    "itself": (
        [step("s", field("text", "a", condition=when("a", "filled")))],
        (0, "fields", 0, "condition", "field"),
        "itself",
    ),
    "circular": (
        [
            step(
                "s",
                field("text", "a", condition=when("b", "filled")),
                field("text", "b", condition=when("a", "filled")),
            )
        ],
        (0, "fields", 0, "condition", "field"),
        "circle",
    ),
    "step on its own field": (
        [
            step("one", field("text", "a")),
            step("two", field("text", "b"), condition=when("b", "filled")),
        ],
        (1, "condition", "field"),
        "earlier step",
    ),
    "choice without options": (
        [step("s", field("choice", "c", widget="radio", choices=[]))],
        (0, "fields", 0, "choices"),
        "at least one option",
    ),
    "duplicate option codes": (
        [step("s", field("choice", "c", widget="radio", choices=options("a", "b", "a")))],
        (0, "fields", 0, "choices", 2, "code"),
        "already used by another option",
    ),
    "condition on an unknown option": (
        [
            step(
                "s",
                field("choice", "c", widget="radio", choices=options("a")),
                field("text", "t", condition=when("c", "equals", "z")),
            )
        ],
        (0, "fields", 1, "condition", "value"),
        "no option with the code z",
    ),
    "number min above max": (
        [step("s", field("number", "n", kind="integer", min_value=5, max_value=1))],
        (0, "fields", 0, "max_value"),
        "below the minimum",
    ),
    "date min above max": (
        [step("s", field("date", "d", min_date="2020-01-01", max_date="2019-01-01"))],
        (0, "fields", 0, "max_date"),
        "before the earliest",
    ),
    "group items min above max": (
        [step("s", field("group", "g", min_items=3, max_items=2, fields=[field("text", "x")]))],
        (0, "fields", 0, "max_items"),
        "below the least",
    ),
    "group without fields": (
        [step("s", field("group", "g", min_items=1, max_items=2, fields=[]))],
        (0, "fields", 0, "fields"),
        "at least one field to the group",
    ),
    "condition on a field inside a group": (
        [
            step(
                "s",
                field("group", "g", fields=[field("text", "x")]),
                field("text", "t", condition=when("x", "filled")),
            )
        ],
        (0, "fields", 1, "condition", "field"),
        "inside a repeatable group",
    ),
    "step without fields": ([step("s")], (0, "fields"), "at least one field to the step"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_check_points_at_the_block(case):
    form, path, message = CASES[case]
    problems = check_form(form)
    assert any(p == path and message in m for p, m in problems), problems


def test_info_only_blocks_and_options_in_order_pass():
    form = [step("s", info(), field("choice", "c", widget="select", choices=options("x", "y")))]
    assert check_form(form) == []


def find_error(error, path):
    for part in path:
        error = error.block_errors[part]
    return error


def test_stream_block_clean_nests_the_error_at_the_offending_child():
    block = ApplicationFormBlock()
    form, path, message = CASES["duplicate option codes"]
    value = block.to_python(form)
    with pytest.raises(StreamBlockValidationError) as caught:
        block.clean(value)
    error = find_error(caught.value, path)
    assert message in " ".join(error.messages)


def test_stream_block_clean_defers_checks_for_drafts():
    block = ApplicationFormBlock()
    form, _path, _message = CASES["duplicate key"]
    block.clean_deferred(block.to_python(form))
    with pytest.raises(StreamBlockValidationError):
        block.clean(block.to_python(form))


def test_step_keys_are_unique_among_steps():
    form = [step("same", field("text", "a")), step("same", field("text", "b"))]
    assert check_form(form) == [
        (
            (1, "key"),
            "The key same is already used by the step «same». Clear this key: it is made "
            "again from the step title when you save.",
        )
    ]


@pytest.mark.parametrize("slug", sorted(APPLICATION_FORMS))
def test_demo_forms_pass_the_editor_checks(slug):
    block = ApplicationFormBlock()
    block.clean(block.to_python(APPLICATION_FORMS[slug]))
    assert check_form(APPLICATION_FORMS[slug]) == []
