"""A regional editor changes a service in the Wagtail admin and the public page shows it."""

import re
import uuid
from urllib.parse import quote

from playwright.sync_api import expect

EDITOR_LOGIN = ("editor-kaluga", "editor-demo-2026")


def test_editor_publishes_a_changed_summary_that_citizens_then_see(page, demo_server, catalog):
    # The last service: the others' tests and screenshots use the first, unchanged.
    service_url = catalog.service_urls("kaluga")[-1]
    page.goto(service_url)
    title = page.locator("h1").inner_text().strip()

    username, password = EDITOR_LOGIN
    page.goto(demo_server.url("/admin/login/", "kaluga"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(demo_server.url(f"/admin/pages/search/?q={quote(title)}", "kaluga"))
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))

    new_summary = f"Услугу можно получить онлайн без визита в ведомство ({uuid.uuid4().hex[:8]})."
    page.locator("textarea[name=summary]").fill(new_summary)
    page.locator(".w-dropdown-button .w-dropdown__toggle").last.click()
    page.locator("button[name=action-publish]").click()
    expect(page.locator(".messages .success, .messages [class*=success]").first).to_be_visible()

    page.goto(service_url)
    expect(page.get_by_text(new_summary)).to_be_visible()
