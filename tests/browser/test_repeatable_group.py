"""A repeatable group repeats, in one pass, with and without JavaScript.

On the demo kindergarten form the citizen names the child's brothers and sisters (at most 5):
three are added, the second is removed, and the summary and the application the official
opens hold exactly the other two. Without JavaScript «Добавить ещё» and «Удалить» send the
page; with it they work in the page, move the focus and say what changed.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_phone_width
from tests.browser.kindergarten import (
    CONTINUE,
    answers_seen_by_an_official,
    fill_sibling,
    reach_step,
    submit_from_kindergarten,
)

SIBLINGS = [
    ("Петрова", "Анна", "2019-07-15"),
    ("Петров", "Олег", "2020-08-20"),
    ("Петрова", "Вера", "2021-01-05"),
]
ENTRY = "[data-entries] > [data-entry]"
ADD = "[data-entries-add]"


def entry(page, number):
    return page.locator(ENTRY).nth(number - 1)


def expect_entries(page, titles):
    expect(page.locator(f"{ENTRY} [data-entry-title]")).to_have_text(titles)


def expect_the_two_who_stayed(page, demo_server):
    summary, number = submit_from_kindergarten(page)
    assert "Петрова Анна" in summary and "Петрова Вера" in summary
    assert "Олег" not in summary
    answers = answers_seen_by_an_official(page, demo_server, number)
    assert "Петрова Анна" in answers and "Петрова Вера" in answers
    assert "Олег" not in answers
    assert "1. " in answers and "2. " in answers and "3. " not in answers


def test_without_javascript_siblings_are_added_and_removed_by_sending_the_page(
    page_without_javascript, demo_server
):
    page = page_without_javascript
    reach_step(page, demo_server, "siblings")
    expect_entries(page, ["Брат или сестра 1 из 5"])
    expect(page.locator("[data-entries-room]")).to_have_text("Можно добавить ещё 4.")
    expect(entry(page, 1).locator("[data-entry-remove]")).to_be_hidden()

    fill_sibling(page, 0, *SIBLINGS[0])
    page.locator(ADD).click()
    expect_entries(page, ["Брат или сестра 1 из 5", "Брат или сестра 2 из 5"])
    # Nothing typed is lost, the empty entry is no error, and the new one has the focus.
    expect(page.locator("#id_siblings-siblings-0-sibling_name_given_name")).to_have_value("Анна")
    expect(page.locator("[data-error-summary], .form-error")).to_have_count(0)
    expect(page.locator("#id_siblings-siblings-1-sibling_name_surname")).to_be_focused()

    fill_sibling(page, 1, *SIBLINGS[1])
    page.locator(ADD).click()
    fill_sibling(page, 2, *SIBLINGS[2])
    expect(page.locator("[data-entries-room]")).to_have_text("Можно добавить ещё 2.")

    entry(page, 2).locator("[data-entry-remove]").click()
    expect_entries(page, ["Брат или сестра 1 из 5", "Брат или сестра 2 из 5"])
    expect(page.locator("#id_siblings-siblings-1-sibling_name_given_name")).to_have_value("Вера")
    expect(page.locator("#id_siblings-siblings-1-title")).to_be_focused()

    # Enter in a field continues, it does not press the first «Удалить».
    page.locator("#id_siblings-siblings-1-sibling_name_given_name").press("Enter")
    expect(page).to_have_url(re.compile(r"/step/kindergarten/$"))
    check_phone_width(page)
    expect_the_two_who_stayed(page, demo_server)


def test_with_javascript_siblings_are_added_and_removed_in_the_page(
    page, demo_server, assert_accessible
):
    reach_step(page, demo_server, "siblings")
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    status = page.locator("[data-entries-status]")

    fill_sibling(page, 0, *SIBLINGS[0])
    for number in (2, 3):
        page.locator(ADD).click()
        expect(
            page.locator(f"#id_siblings-siblings-{number - 1}-sibling_name_surname")
        ).to_be_focused()
        expect(status).to_have_text(f"Добавлена запись {number} из 5.")
        fill_sibling(page, number - 1, *SIBLINGS[number - 1])
    expect_entries(page, [f"Брат или сестра {n} из 5" for n in (1, 2, 3)])
    expect(page.locator("[data-entries-room]")).to_have_text("Можно добавить ещё 2.")
    assert sent == []  # no round trip
    assert_accessible(page)

    entry(page, 2).locator("[data-entry-remove]").click()
    expect_entries(page, ["Брат или сестра 1 из 5", "Брат или сестра 2 из 5"])
    expect(status).to_have_text("Запись удалена. Осталось записей: 2 из 5.")
    # The entry that took the removed one's place has the focus, renumbered for the server.
    expect(entry(page, 2).locator("[data-entry-title]")).to_be_focused()
    expect(page.locator("#id_siblings-siblings-1-sibling_name_given_name")).to_have_value("Вера")
    expect(page.locator("input[name=siblings-siblings-count]")).to_have_value("2")

    # Up to the limit the add button stays; at it, it goes.
    for _ in range(3):
        page.locator(ADD).click()
    expect(page.locator(ENTRY)).to_have_count(5)
    expect(page.locator(ADD)).to_be_hidden()
    expect(page.locator("[data-entries-room]")).to_have_text(
        "Вы добавили наибольшее возможное число записей: 5."
    )
    # Removing the last entry leaves the focus on the add button, back again.
    for _ in range(3):
        page.locator(ENTRY).last.locator("[data-entry-remove]").click()
    expect(page.locator(ADD)).to_be_focused()
    expect(page.locator(ENTRY)).to_have_count(2)
    assert sent == []

    # With the buttons in the page, Enter in a field is «Продолжить» all the same.
    page.locator("#id_siblings-siblings-1-sibling_name_given_name").press("Enter")
    expect(page).to_have_url(re.compile(r"/step/kindergarten/$"))
    check_phone_width(page)
    expect_the_two_who_stayed(page, demo_server)


def test_the_first_entry_cannot_be_removed_below_the_minimum(page, demo_server):
    reach_step(page, demo_server, "siblings")
    expect(page.locator(ENTRY)).to_have_count(1)
    expect(page.locator("[data-entry-remove]")).to_be_hidden()
    page.locator(ADD).click()
    expect(page.locator("[data-entry-remove]")).to_have_count(2)
    page.locator(ENTRY).last.locator("[data-entry-remove]").click()
    expect(page.locator("[data-entry-remove]")).to_be_hidden()
    expect(page.locator(CONTINUE)).to_be_visible()
