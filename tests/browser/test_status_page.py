"""The agency's system keeps failing: the citizen's status page says the transfer is delayed.

The agency simulator answers every delivery 500; the harness lets a delivery give up after
three quick attempts (conftest.DELIVERY_RETRIES). The citizen applies for an EGRN extract in
Tula and follows the status link from the receipt.
"""

import re
import time

import pytest
from playwright.sync_api import expect

SERVICE_PATH = "/apply/vypiska-iz-egrn/"
CONTINUE = "form[data-application-form] button[type=submit]"
NOTICE = "[data-delivery-notice]"
FAILING_SECONDS = 60


@pytest.fixture
def failing_agency(demo_server):
    demo_server.set_agency_switches(fail_500=True)
    yield
    demo_server.set_agency_switches(fail_500=False)


def apply_for_an_extract(page, demo_server, fits_phone):
    page.goto(demo_server.url(SERVICE_PATH, "tula"))
    expect(page).to_have_url(re.compile(r"/step/object/$"))
    fits_phone(page)
    page.fill("#id_object-cadastral_number", "71:30:030217:123")
    page.check("#id_object-extract_type_0")
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/step/applicant/$"))
    fits_phone(page)
    page.fill("#id_applicant-applicant_name_surname", "Кузнецов")
    page.fill("#id_applicant-applicant_name_given_name", "Пётр")
    page.fill("#id_applicant-applicant_name_patronymic", "Ильич")
    page.fill("#id_applicant-applicant_snils", "112-233-445 95")
    page.fill("#id_applicant-email", "kuznetsov@example.ru")
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/step/agreement/$"))
    fits_phone(page)
    page.check("#id_agreement-consent")
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/check/$"))
    fits_phone(page)
    page.locator("form[data-submit-once] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/submitted/\d{2}-\d{4}-\d{6}/$"))
    fits_phone(page)


def reload_until_shown(page, locator):
    """Reload until the worker has given up on the delivery and the page says so."""
    deadline = time.monotonic() + FAILING_SECONDS
    while not locator.count():
        if time.monotonic() > deadline:
            pytest.fail(f"{page.url} shows no delivery notice after {FAILING_SECONDS}s")
        # Loaded and quiet for half a second: paces the polling without a fixed sleep.
        page.reload(wait_until="networkidle")


def test_a_delivery_the_agency_keeps_failing_shows_a_plain_delay_notice(
    page, demo_server, failing_agency, assert_accessible, assert_no_sideways_scroll
):
    apply_for_an_extract(page, demo_server, assert_no_sideways_scroll)
    receipt_url = page.url
    status_url = page.locator("[data-status-link]").get_attribute("href")

    page.goto(status_url)
    notice = page.locator(NOTICE)
    reload_until_shown(page, notice)
    expect(notice).to_contain_text("Передача заявления в ведомство задерживается")
    expect(notice).to_contain_text("Делать ничего не нужно")
    main = page.locator("main")
    expect(page.locator("[data-application-status]")).to_have_text("Отправлено")
    for technical in ("Internal Server Error", "Ведомство ответило", "попыт", "Ошибка"):
        expect(main).not_to_contain_text(technical)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)
    assert_no_sideways_scroll(page)

    page.goto(receipt_url)
    expect(page.locator(NOTICE)).to_contain_text("Делать ничего не нужно")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
