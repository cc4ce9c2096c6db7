"""Citizen pages and the main admin screens in Chromium, under the real policies: nothing refused.

The page fixture enforces the CSPs (constructor/security.py); ``policy_violations`` collects
every ``securitypolicyviolation`` event of every document and frame, and Chromium's console
errors about the CSP or Permissions-Policy (a refused frame is reported only there). Each screen
also shows its scripts ran: a focused error summary, a preview in its frame, a chooser's modal.
The demo server runs with DEBUG, whose 404 is Django's own page: tests/test_security_headers.py
checks ours.
"""

import re
from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import check_phone_width
from tests.browser.test_admin_publish import log_in

ADMIN_LOGIN = ("admin", "admin-demo-2026")
EGRN_SERVICE = "/vypiska-iz-egrn/"
EDITED_SERVICE = "zapis-v-detskiy-sad"
CONTINUE = "form[data-application-form] button[type=submit]"


def assert_nothing_refused(policy_violations, where):
    assert policy_violations == [], f"{where}:\n" + "\n".join(policy_violations)


def test_citizen_pages_run_under_the_strict_policy(page, demo_server, catalog, policy_violations):
    page.goto(demo_server.url("/"))
    expect(page.locator("h1")).to_be_visible()
    check_phone_width(page)
    page.goto(demo_server.url("/", "kaluga"))
    page.locator("main a[href*='/category/']").first.click()
    expect(page).to_have_url(re.compile(r"/category/[^/]+/$"))
    check_phone_width(page)
    page.goto(demo_server.url(f"/search/?q={quote('сад')}", "kaluga"))
    expect(page.locator(".service-list li").first).to_be_visible()
    check_phone_width(page)
    for url in catalog.service_urls("kaluga"):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        check_phone_width(page)
    assert_nothing_refused(policy_violations, "catalog and landings")

    # A whole application: an error first, so the error summary's script has to run.
    page.goto(demo_server.url(EGRN_SERVICE, "tula"))
    check_phone_width(page)
    page.locator("a[href*='/apply/']").first.click()
    expect(page).to_have_url(re.compile(r"/step/object/$"))
    check_phone_width(page)
    page.locator(CONTINUE).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.fill("#id_object-cadastral_number", "71:30:030217:123")
    page.check("#id_object-extract_type_0")
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/step/applicant/$"))
    check_phone_width(page)
    page.fill("#id_applicant-applicant_name_surname", "Орлова")
    page.fill("#id_applicant-applicant_name_given_name", "Вера")
    page.fill("#id_applicant-applicant_snils", "112-233-445 95")
    page.fill("#id_applicant-email", "orlova@example.ru")
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/step/agreement/$"))
    check_phone_width(page)
    page.check("#id_agreement-consent")
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/check/$"))
    check_phone_width(page)
    page.locator("form[data-submit-once] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/submitted/\d{2}-\d{4}-\d{6}/$"))
    check_phone_width(page)
    page.locator("[data-status-link]").click()
    expect(page).to_have_url(re.compile(r"/apply/status/[^/]+/$"))
    check_phone_width(page)
    expect(page.locator("h1")).to_be_visible()
    check_phone_width(page)
    assert_nothing_refused(policy_violations, "the application")


def open_service_editor(page, demo_server, catalog):
    service_url = next(url for url in catalog.service_urls("kaluga") if EDITED_SERVICE in url)
    page.goto(service_url)
    check_phone_width(page)
    title = page.locator("h1").inner_text().strip()
    log_in(page, demo_server, ADMIN_LOGIN)
    page.goto(demo_server.url(f"/admin/pages/search/?q={quote(title)}", "kaluga"))
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    return title


def test_admin_screens_work_under_the_admin_policy(page, demo_server, catalog, policy_violations):
    title = open_service_editor(page, demo_server, catalog)

    # The landing's StreamField: its block chooser, a block's preview in its frame.
    expect(page.locator("[data-contentpath='body']")).to_be_visible()
    page.locator("[data-contentpath='body'] button.c-sf-add-button").first.click()
    preview_button = page.locator(".w-combobox__option-preview").first
    preview_button.click()
    block_preview = page.frame_locator("iframe.w-combobox-preview__iframe")
    expect(block_preview.locator(".block-preview")).to_be_visible()
    page.keyboard.press("Escape")

    # The live preview panel shows the page in a frame of the admin.
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe#w-preview-iframe")
    # The editor first posts the whole form, then renders the landing: slow on a busy machine.
    expect(preview.locator("h1")).to_have_text(title, timeout=30_000)
    page.locator("[data-side-panel-toggle='preview']").click()

    # The form's StreamField and the mapping tab, whose script fetches its suggestions.
    page.get_by_role("tab", name=re.compile("Форма заявления|Application form")).click()
    expect(page.locator("[data-contentpath='application_form']")).to_be_visible()
    page.get_by_role("tab", name=re.compile("Передача в ведомство|Agency delivery")).click()
    expect(page.locator("#mapping-chooser-targets option").first).to_be_attached()
    edit_url = page.url

    # The page explorer: the service's region.
    page.goto(demo_server.url("/admin/pages/", "kaluga"))
    expect(page.locator("main table").first).to_be_visible()
    page.goto(edit_url.replace("/edit/", "/"))
    expect(page.locator("main")).to_be_visible()

    # The image chooser, from a curator's photo.
    page.goto(demo_server.url("/admin/snippets/services/curator/", "kaluga"))
    page.locator("main table a[href*='/edit/']").first.click()
    page.locator("[data-chooser-action-choose]").first.dispatch_event("click")
    modal = page.locator(".modal")
    expect(modal.locator("img").first).to_be_visible()
    page.keyboard.press("Escape")

    page.goto(demo_server.url("/admin/", "kaluga"))
    expect(page.locator("main")).to_be_visible()
    page.goto(demo_server.url("/admin/applications/", "kaluga"))
    expect(page.locator("main h1, main h2").first).to_be_visible()
    assert_nothing_refused(policy_violations, "the admin")


def test_a_script_slipped_into_a_public_page_does_not_run(page, demo_server, policy_violations):
    """What the policy is for: markup that got past escaping still runs nothing, and is reported."""
    page.goto(demo_server.url("/", "kaluga"))
    check_phone_width(page)
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<img src="/static/img/emblem.svg" onload="window.ran = true">' +
            '<a href="javascript:window.ran = true" id="slipped">?</a>')"""
    )
    page.locator("#slipped").click()
    expect(page.locator("main img[onload]")).to_have_js_property("complete", True)
    assert page.evaluate("window.ran") is None
    assert any("script-src" in violation for violation in policy_violations)
