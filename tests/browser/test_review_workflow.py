"""From a registry standard to a live service: editor, quality check, federal reviewer, audit log.

A Kaluga editor creates a service from the federal standard «Единое пособие» (code 1000000021),
sees the quality panel name the missing curator, adds the curator block and submits the page; a
federal reviewer finds it in the review queue and approves it; citizens see the page, and the
audit log lists each step.
"""

import re

from playwright.sync_api import expect

EDITOR_LOGIN = ("editor-kaluga", "editor-demo-2026")
REVIEWER_LOGIN = ("reviewer", "reviewer-demo-2026")
STANDARD_CODE = "1000000021"
CURATOR = "Орлов Дмитрий Андреевич"
SUCCESS = ".messages .success, .messages [class*=success]"


def log_in(page, demo_server, login):
    page.context.clear_cookies()
    username, password = login
    page.goto(demo_server.url("/admin/login/", "kaluga"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def add_curator_block(page):
    """Append a curator block to the landing and choose the region's curator in it."""
    choosers = page.locator("[data-chooser-action-choose]:visible")
    choosers_before = choosers.count()
    page.locator(".c-sf-add-button:visible").last.click()
    page.get_by_role("option", name=re.compile("Куратор услуги|Service curator")).click()
    # Wait for the new block's chooser before clicking the last one: until it is drawn, the
    # last chooser on the page belongs to another block.
    expect(choosers).to_have_count(choosers_before + 1)
    choosers.last.click()
    page.locator(".modal").get_by_role("link", name=CURATOR).first.click()
    expect(page.locator("form").get_by_text(CURATOR).first).to_be_visible()


def test_service_from_standard_goes_live_through_review(
    page, demo_server, assert_no_sideways_scroll
):
    log_in(page, demo_server, EDITOR_LOGIN)
    page.goto(demo_server.url("/admin/registry/create-service/", "kaluga"))
    page.get_by_label(re.compile(STANDARD_CODE)).check()
    page.get_by_role("button", name=re.compile("Создать черновик|Create draft")).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    edit_url = page.url
    title = page.locator("input[name=title]").input_value()

    # The quality panel names the unmet rule: no curator block.
    panel = page.locator(".quality-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("li a[href='#body']").first).to_be_visible()
    expect(panel).to_contain_text(re.compile("куратор|curator", re.IGNORECASE))

    # Fix it: append a curator block and choose the region's curator.
    add_curator_block(page)

    page.locator(".w-dropdown-button .w-dropdown__toggle").last.click()
    page.locator("button[name=action-submit]").click()
    expect(page.locator(SUCCESS).first).to_be_visible()
    page.goto(edit_url)
    expect(page.locator(".quality-panel")).to_contain_text("100")

    # A federal reviewer approves it from the queue.
    log_in(page, demo_server, REVIEWER_LOGIN)
    expect(page.locator("#review-queue-heading")).to_be_visible()
    page.goto(demo_server.url("/admin/review/queue/", "kaluga"))
    page.get_by_role("link", name=title).first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    approve = page.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    )
    if not approve.first.is_visible():
        page.locator(".w-dropdown-button .w-dropdown__toggle").last.click()
    approve.first.click()
    expect(page.locator(SUCCESS).first).to_be_visible()

    # Citizens see it on the region's site.
    page.goto(demo_server.url("/", "kaluga"))
    assert_no_sideways_scroll(page)
    page.get_by_label(re.compile("Поиск|Search")).first.fill(title)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name=title).first.click()
    expect(page.locator("h1")).to_have_text(title)
    assert_no_sideways_scroll(page)

    # The audit log shows each step.
    page.goto(demo_server.url("/admin/audit-log/", "kaluga"))
    log = page.locator("main")
    for step in (
        re.compile("registry standard|стандарт", re.IGNORECASE),
        re.compile("workflow|процесс", re.IGNORECASE),
        re.compile("Approve|Одобр|Утвер", re.IGNORECASE),
        re.compile("Publish|Опубликова", re.IGNORECASE),
    ):
        expect(log.get_by_text(step).first).to_be_visible()
    expect(log.get_by_text(title).first).to_be_visible()
