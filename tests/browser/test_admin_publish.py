"""A regional editor changes a service in the Wagtail admin; once approved, citizens see it."""

import re
import uuid
from urllib.parse import quote

from playwright.sync_api import expect

EDITOR_LOGIN = ("editor-kaluga", "editor-demo-2026")
REVIEWER_LOGIN = ("reviewer", "reviewer-demo-2026")


def log_in(page, demo_server, login):
    username, password = login
    page.goto(demo_server.url("/admin/login/", "kaluga"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_editor_submits_a_changed_summary_that_citizens_see_once_approved(
    page, demo_server, catalog, assert_no_sideways_scroll
):
    # Not the first service (the others' tests and screenshots use it, unchanged), and one that
    # meets every mandatory quality rule, so the automatic check passes it on to the reviewer.
    service_url = next(
        url for url in catalog.service_urls("kaluga") if "regionalnyy-materinskiy-kapital" in url
    )
    page.goto(service_url)
    assert_no_sideways_scroll(page)
    title = page.locator("h1").inner_text().strip()

    log_in(page, demo_server, EDITOR_LOGIN)

    page.goto(demo_server.url(f"/admin/pages/search/?q={quote(title)}", "kaluga"))
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    edit_url = page.url

    new_summary = f"Услугу можно получить онлайн без визита в ведомство ({uuid.uuid4().hex[:8]})."
    page.locator("textarea[name=summary]").fill(new_summary)
    # The editor has no publish button: the change goes for review.
    expect(page.locator("button[name=action-publish]")).to_have_count(0)
    page.locator(".w-dropdown-button .w-dropdown__toggle").last.click()
    page.locator("button[name=action-submit]").click()
    expect(page.locator(".messages .success, .messages [class*=success]").first).to_be_visible()
    page.goto(service_url)
    expect(page.get_by_text(new_summary)).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, demo_server, REVIEWER_LOGIN)
    page.goto(edit_url)
    approve = page.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    )
    if not approve.first.is_visible():
        page.locator(".w-dropdown-button .w-dropdown__toggle").last.click()
    approve.first.click()
    expect(page.locator(".messages .success, .messages [class*=success]").first).to_be_visible()

    page.goto(service_url)
    expect(page.get_by_text(new_summary)).to_be_visible()
    assert_no_sideways_scroll(page)
