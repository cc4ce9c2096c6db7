"""A repeatable group repeats without JavaScript: «Добавить ещё» and «Удалить» are buttons.

The GOV.UK "add another" pattern: each button sends the step, which comes back with one entry
more or less, everything typed kept and nothing reported as an error; the count and the limit
are said, the add button goes at the limit and «Удалить» below the minimum.
"""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from constructor.applications.models import Application
from tests.applications.conftest import Citizen, field, step

FAMILY_FORM = [
    step(
        "family",
        "Дети",
        [
            field("text", "note", "Комментарий", required=False, max_length=None),
            field(
                "group",
                "children",
                "Ваши дети",
                item_label="Ребёнок",
                min_items=1,
                max_items=5,
                fields=[
                    field("text", "child_name", "Имя", max_length=None),
                    field("date", "child_birth", "Дата рождения", relative="not_future"),
                ],
            ),
        ],
    ),
    step("contacts", "Контакты", [field("phone", "phone", "Номер телефона")]),
]
ADD = {"family-children-add": "1"}
CHILDREN = [("Маша", "2019-05-01"), ("Петя", "2020-06-02"), ("Ваня", "2021-07-03")]


@pytest.fixture
def family(region, category, make_service):
    service = make_service(region, "Пособие на детей", category, "4000000031", live=False)
    service.application_form = FAMILY_FORM
    service.save_revision().publish()
    service.refresh_from_db()
    site = service.get_site()
    citizen = Citizen(Client(HTTP_HOST=f"{site.hostname}:{site.port}"), service)
    citizen.start()
    return citizen


def entries(children, count=None):
    """The step's data for these (name, birth date) entries, as the page sends it."""
    data = {"family-children-count": str(len(children) if count is None else count)}
    for index, (name, born) in enumerate(children):
        data[f"family-children-{index}-child_name"] = name
        data[f"family-children-{index}-child_birth"] = born
    return data


def soup(response):
    assert response.status_code == 200, response.content.decode()[:2000]
    return BeautifulSoup(response.content.decode(), "html.parser")


def shown_entries(page):
    return [
        (
            entry.select_one("[data-entry-title]").get_text(strip=True),
            entry.select_one("input[name$=child_name]").get("value", ""),
        )
        for entry in page.select("[data-entries] > [data-entry]")
    ]


def visible(page, selector):
    return [element for element in page.select(selector) if not element.has_attr("hidden")]


def saved(citizen):
    return citizen.draft().open_answers()["step_data"].get("family")


def test_the_first_visit_shows_one_entry_with_the_count_the_limit_and_an_add_button(family):
    page = soup(family.client.get(family.step_url("family")))
    assert shown_entries(page) == [("Ребёнок 1 из 5", "")]
    assert page.select_one("[data-entries-room]").get_text(strip=True) == "Можно добавить ещё 4."
    assert [b.get_text(strip=True) for b in visible(page, "[data-entries-add]")] == ["Добавить ещё"]
    # One entry is the minimum: nothing to remove.
    assert visible(page, "[data-entry-remove]") == []


def test_add_another_brings_the_step_back_with_an_empty_entry_and_no_errors(family):
    response = family.post_step("family", {"family-note": "Двое", **entries(CHILDREN[:1]), **ADD})
    page = soup(response)
    assert shown_entries(page) == [("Ребёнок 1 из 5", "Маша"), ("Ребёнок 2 из 5", "")]
    assert page.select_one("input[name=family-note]")["value"] == "Двое"
    assert page.select_one("input[name=family-children-count]")["value"] == "2"
    assert page.select_one("[data-entries-room]").get_text(strip=True) == "Можно добавить ещё 3."
    assert not page.select(".form-error, [data-error-summary]")
    assert "Ошибка" not in page.title.get_text()
    # Without JavaScript the browser itself focuses the new entry's first question.
    assert page.select_one("[autofocus]")["name"] == "family-children-1-child_name"
    assert page.select_one("[data-entries-status]").get_text(strip=True) == (
        "Добавлена запись 2 из 5."
    )
    assert saved(family) is None  # the page is not done: nothing is saved yet


def test_at_the_limit_the_add_button_is_gone_and_another_add_changes_nothing(family):
    five = [(f"Ребёнок{n}", f"2019-01-0{n}") for n in range(1, 6)]
    page = soup(family.post_step("family", {**entries(five[:4]), **ADD}))
    assert len(shown_entries(page)) == 5
    assert visible(page, "[data-entries-add]") == []
    assert page.select_one("[data-entries-room]").get_text(strip=True) == (
        "Вы добавили наибольшее возможное число записей: 5."
    )
    page = soup(family.post_step("family", {**entries(five), **ADD}))
    assert [title for title, _name in shown_entries(page)][-1] == "Ребёнок 5 из 5"
    assert len(shown_entries(page)) == 5


def test_remove_takes_out_that_entry_and_the_others_keep_what_was_typed(family):
    page = soup(family.post_step("family", {**entries(CHILDREN), "family-children-remove": "1"}))
    assert shown_entries(page) == [("Ребёнок 1 из 5", "Маша"), ("Ребёнок 2 из 5", "Ваня")]
    assert page.select_one("input[name=family-children-1-child_birth]")["value"] == "2021-07-03"
    assert not page.select(".form-error")
    # The entry that took the removed one's place takes the focus.
    assert page.select_one("[autofocus]")["id"] == "id_family-children-1-title"
    assert page.select_one("[data-entries-status]").get_text(strip=True) == (
        "Запись удалена. Осталось записей: 2 из 5."
    )


def test_removing_the_last_entry_focuses_the_add_button(family):
    page = soup(family.post_step("family", {**entries(CHILDREN), "family-children-remove": "2"}))
    assert page.select_one("[autofocus]")["name"] == "family-children-add"


def test_the_minimum_stays_no_remove_button_and_a_remove_changes_nothing(family):
    page = soup(
        family.post_step("family", {**entries(CHILDREN[:1]), "family-children-remove": "0"})
    )
    assert shown_entries(page) == [("Ребёнок 1 из 5", "Маша")]
    assert visible(page, "[data-entry-remove]") == []


def test_a_family_with_three_children_applies_in_one_pass(family):
    page = soup(family.post_step("family", {**entries(CHILDREN[:1]), **ADD}))
    assert len(shown_entries(page)) == 2
    page = soup(family.post_step("family", {**entries(CHILDREN[:2]), **ADD}))
    assert len(shown_entries(page)) == 3
    response = family.post_step("family", entries(CHILDREN))
    assert response.status_code == 302
    assert family.post_step("contacts", {"contacts-phone": "89101234567"}).status_code == 302
    check = family.client.get(family.base + "check/").content.decode()
    for name, _born in CHILDREN:
        assert name in check
    assert family.client.post(family.base + "check/").status_code == 302
    answers = Application.objects.get().open_answers()
    assert answers["children"] == [
        {"child_name": name, "child_birth": born} for name, born in CHILDREN
    ]


def test_an_added_entry_left_empty_is_not_an_answer_and_not_an_error(family):
    response = family.post_step("family", entries([*CHILDREN[:2], ("", "")]))
    assert response.status_code == 302
    family.post_step("contacts", {"contacts-phone": "89101234567"})
    family.client.post(family.base + "check/")
    assert len(Application.objects.get().open_answers()["children"]) == 2


def test_a_problem_names_the_entry_as_the_page_numbers_it(family):
    data = entries([CHILDREN[0], ("", ""), ("Ваня", "2099-01-01")])
    page = soup(family.post_step("family", data))
    error = page.select_one(".form-error").get_text(" ", strip=True)
    assert "Ребёнок 3, Дата рождения" in error
    assert saved(family) is None


def test_enter_in_a_field_continues_rather_than_removing_an_entry(family):
    """A browser sends the form's first submit button on Enter: it is a «Продолжить»."""
    page = soup(family.client.get(family.step_url("family")))
    first = page.select_one("form[data-application-form] button[type=submit]")
    assert first.get("name") is None
    assert first.get_text(strip=True) == "Продолжить"
    assert first["tabindex"] == "-1" and first["aria-hidden"] == "true"


def test_saved_entries_come_back_on_a_later_visit(family):
    assert family.post_step("family", entries(CHILDREN[:2])).status_code == 302
    page = soup(family.client.get(family.step_url("family")))
    assert shown_entries(page) == [("Ребёнок 1 из 5", "Маша"), ("Ребёнок 2 из 5", "Петя")]
    assert len(visible(page, "[data-entry-remove]")) == 2


def test_entries_sent_without_a_count_are_still_read(family):
    """Drafts saved before the count existed, and scripts, send only the entries."""
    data = entries(CHILDREN[:2])
    del data["family-children-count"]
    assert family.post_step("family", data).status_code == 302
    family.post_step("contacts", {"contacts-phone": "89101234567"})
    check = family.client.get(family.base + "check/").content.decode()
    assert "Маша" in check and "Петя" in check


@pytest.mark.parametrize(
    "hostile",
    [
        {"family-children-count": "-3"},
        {"family-children-count": "99999999999999999999"},
        {"family-children-count": "два"},
        {"family-children-count": "1\x00"},
        {"family-children-remove": "-1"},
        {"family-children-remove": "99"},
        {"family-children-remove": "x"},
        {"family-children-remove": "'\"<script>"},
        {"family-children-add": ""},
    ],
)
def test_odd_counts_and_buttons_get_a_page_never_a_500(family, hostile):
    data = {**entries(CHILDREN[:2]), **hostile}
    response = family.post_step("family", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        page = soup(response)
        count = int(page.select_one("input[name=family-children-count]")["value"])
        assert 1 <= count <= 5
        assert "<script>" not in response.content.decode().split("<main", 1)[-1]
