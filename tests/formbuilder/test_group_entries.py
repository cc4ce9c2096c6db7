"""The step forms behind "add another", the label rule and the stated upload limits."""

import pytest
from django.utils.datastructures import MultiValueDict

from constructor.formbuilder.forms import build_step_form
from tests.formbuilder.helpers import compiled, field, step

KIDS = field(
    "group",
    "kids",
    item_label="Child",
    min_items=2,
    max_items=3,
    fields=[field("text", "name"), field("date", "born", required=False)],
)
FORM = compiled(
    step(
        "main",
        field("yes_no", "has_pet"),
        field("text", "pet", condition={"field": "has_pet", "operator": "is_true", "value": ""}),
        KIDS,
        field("file", "scan", allowed_types=["pdf", "png"], max_size_mb=2, max_files=1),
    )
)
LAYOUT = FORM["layout"]["steps"][0]


def form(data=None, answers=None):
    form_class = build_step_form(LAYOUT, answers or {})
    return form_class(data=None if data is None else MultiValueDict(data), files=MultiValueDict())


def rows(data):
    bound = form(data)["kids"]
    return bound.field.widget.value_from_datadict(bound.form.data, {}, bound.html_name)


def kids(*names, count=None, prefix=""):
    data = {f"{prefix}kids-count": [str(len(names) if count is None else count)]}
    for index, name in enumerate(names):
        data[f"{prefix}kids-{index}-name"] = [name]
    return data


def test_the_count_says_how_many_entries_the_page_holds_even_empty_ones():
    assert [row["name"] for row in rows(kids("Оля", "", count=3))] == ["Оля", "", None]


@pytest.mark.parametrize(
    ("data", "names", "change"),
    [
        ({**kids("Оля", "Петя"), "kids-add": ["1"]}, ["Оля", "Петя", None], ("added", 2)),
        ({**kids("Оля", "Петя", "Ваня"), "kids-add": ["1"]}, ["Оля", "Петя", "Ваня"], None),
        ({**kids("Оля", "Петя", "Ваня"), "kids-remove": ["0"]}, ["Петя", "Ваня"], ("removed", 0)),
        ({**kids("Оля", "Петя"), "kids-remove": ["1"]}, ["Оля", "Петя"], None),  # the minimum
        ({**kids("Оля", "Петя", "Ваня"), "kids-remove": ["7"]}, ["Оля", "Петя", "Ваня"], None),
    ],
    ids=["add", "add-at-the-limit", "remove", "remove-at-the-minimum", "remove-out-of-range"],
)
def test_the_buttons_add_and_remove_within_the_limits(data, names, change):
    entries = rows(data)
    assert [row.get("name") for row in entries] == names
    assert entries.change == change


def test_a_button_makes_the_form_a_rearrangement_never_valid_and_without_errors():
    data = {**kids("Оля", "Петя", prefix="main-"), "main-has_pet": ["no"], "main-kids-add": ["1"]}
    step_form = form_with_prefix(data)
    assert step_form.rearranging()
    assert not step_form.is_valid()
    assert step_form.errors == {}
    data.pop("main-kids-add")
    scan_given = {"scan": [{"id": "a", "name": "a.png", "size": 1, "content_type": "image/png"}]}
    plain = form_with_prefix(data, scan_given)
    assert not plain.rearranging() and plain.is_valid(), plain.errors


def form_with_prefix(data, answers=None):
    form_class = build_step_form(LAYOUT, answers or {})
    return form_class(data=MultiValueDict(data), files=MultiValueDict(), prefix="main")


def test_a_problem_in_an_entry_names_it_by_the_number_on_the_page():
    data = {
        "main-has_pet": ["no"],
        "main-kids-count": ["3"],
        "main-kids-0-name": ["Оля"],
        "main-kids-2-name": ["Ваня"],
        "main-kids-2-born": ["31.02.2019"],
    }
    errors = form_with_prefix(data).errors["kids"]
    assert any(error.startswith("Child 3, born:") for error in errors), errors


@pytest.mark.parametrize(
    ("data", "required"),
    [({}, False), ({"main-has_pet": ["yes"]}, True), ({"main-has_pet": ["no"]}, False)],
)
def test_a_same_step_condition_decides_whether_the_label_says_required(data, required):
    assert form_with_prefix(data).required_when_shown("pet") is required


def test_labels_follow_the_rule_not_the_relaxed_django_field():
    step_form = build_step_form(LAYOUT, {"scan": [{"id": "a"}]})()
    assert step_form.fields["scan"].required is False  # the file given stays
    assert step_form.required_when_shown("scan") is True
    assert step_form.required_when_shown("has_pet") is True
    assert build_step_form(LAYOUT, {"has_pet": True})().required_when_shown("pet") is True


def test_an_upload_states_its_limits():
    scan = form().fields["scan"]
    assert scan.rules() == ("Formats: PDF, PNG. Size: no more than 2 MB. You can attach one file.")
    attrs = scan.widget.attrs
    assert attrs["data-max-size"] == str(2 * 1024 * 1024)
    assert attrs["data-extensions"] == ".pdf .png"
    assert attrs["data-too-large"] == "The file __name__ is larger than 2 MB."
