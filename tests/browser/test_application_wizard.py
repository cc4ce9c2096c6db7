"""A citizen applies online in real Chromium: five steps, a condition, a repeatable group.

The demo's kindergarten enrolment form (fixtures/demo/forms.py) has a "brothers and sisters"
step that appears only when the citizen says there are some, and a repeatable group on it.
Every page is checked with axe-core on the way, and fits a 320 px phone in every state.
"""

import datetime
import re

from playwright.sync_api import expect

SERVICE_PATH = "/zapis-v-detskiy-sad/"
PROGRESS = ".application__progress"
CONTINUE = "form[data-application-form] button[type=submit]"


def progress_numbers(page):
    return re.findall(r"\d+", page.locator(PROGRESS).inner_text())


def continue_to(page, step):
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(rf"/step/{step}/$"))


def test_citizen_applies_for_a_kindergarten_place(
    page, demo_server, assert_accessible, assert_no_sideways_scroll
):
    fits_phone = assert_no_sideways_scroll
    page.goto(demo_server.url(SERVICE_PATH, "kaluga"))
    fits_phone(page)
    page.locator("a[href*='/apply/']").first.click()

    # Step 1: the applicant. A wrong SNILS first: the error summary takes focus.
    expect(page).to_have_url(re.compile(r"/step/applicant/$"))
    assert progress_numbers(page) == ["1", "4"]
    assert_accessible(page)
    fits_phone(page)
    page.fill("#id_applicant-applicant_name_surname", "Петрова")
    page.fill("#id_applicant-applicant_name_given_name", "Мария")
    page.fill("#id_applicant-applicant_name_patronymic", "Ивановна")
    page.fill("#id_applicant-applicant_snils", "112-233-445 96")
    page.fill("#id_applicant-applicant_phone", "8 (910) 555-12-34")
    page.fill("#id_applicant-applicant_email", "petrova@example.ru")
    page.locator(CONTINUE).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_applicant-applicant_snils']")).to_be_visible()
    expect(page.locator("#id_applicant-applicant_name_surname")).to_have_value("Петрова")
    assert_accessible(page)
    fits_phone(page)
    summary.locator("a").first.click()
    expect(page.locator("#id_applicant-applicant_snils")).to_be_focused()
    page.fill("#id_applicant-applicant_snils", "112-233-445 95")
    continue_to(page, "child")

    # Step 2: the child; saying there are siblings adds a step.
    page.fill("#id_child-child_name_surname", "Петров")
    page.fill("#id_child-child_name_given_name", "Иван")
    page.fill("#id_child-child_birth_date", "2022-03-01")
    page.fill("#id_child-child_snils", "156-789-012 11")
    page.fill("#id_child-birth_certificate_series", "II-НК")
    page.fill("#id_child-birth_certificate_number", "123456")
    page.fill("#id_child-birth_certificate_date", "2022-03-10")
    page.check("#id_child-has_siblings_0")
    assert_accessible(page)
    fits_phone(page)
    continue_to(page, "siblings")

    # Step 3: the repeatable group, shown because of the answer above.
    assert progress_numbers(page) == ["3", "5"]
    page.fill("#id_siblings-siblings-0-sibling_name_surname", "Петрова")
    page.fill("#id_siblings-siblings-0-sibling_name_given_name", "Анна")
    page.fill("#id_siblings-siblings-0-sibling_birth_date", "2019-07-15")
    assert_accessible(page)
    fits_phone(page)

    # Back keeps the answers; change one and come forward again.
    page.locator("a.back-link").click()
    expect(page).to_have_url(re.compile(r"/step/child/$"))
    expect(page.locator("#id_child-birth_certificate_number")).to_have_value("123456")
    page.fill("#id_child-birth_certificate_number", "654321")
    continue_to(page, "siblings")
    page.fill("#id_siblings-siblings-0-sibling_name_surname", "Петрова")
    page.fill("#id_siblings-siblings-0-sibling_name_given_name", "Анна")
    page.fill("#id_siblings-siblings-0-sibling_birth_date", "2019-07-15")
    continue_to(page, "kindergarten")

    # Step 4: choices and a date.
    assert progress_numbers(page) == ["4", "5"]
    page.check("#id_kindergarten-kindergartens_1")
    next_year = datetime.date.today().replace(month=9, day=1) + datetime.timedelta(days=366)
    page.fill("#id_kindergarten-desired_date", next_year.isoformat())
    page.check("#id_kindergarten-full_day_0")
    # The benefit document is asked for only when the citizen has a benefit, live.
    benefit_document = page.locator("#id_kindergarten-benefit_document")
    expect(benefit_document).to_be_hidden()
    page.check("#id_kindergarten-has_benefit_0")
    expect(benefit_document).to_be_visible()
    page.check("#id_kindergarten-has_benefit_1")
    expect(benefit_document).to_be_hidden()
    assert_accessible(page)
    fits_phone(page)
    continue_to(page, "agreement")

    # Step 5: consent, then the summary.
    assert progress_numbers(page) == ["5", "5"]
    page.check("#id_agreement-consent")
    assert_accessible(page)
    fits_phone(page)
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/check/$"))
    main = page.locator("main")
    expect(main).to_contain_text("Петрова Мария Ивановна")
    expect(main).to_contain_text("654321")
    expect(main).to_contain_text("Петрова Анна")
    expect(main).to_contain_text("Детский сад № 42 «Радуга»")
    assert_accessible(page)
    fits_phone(page)

    # Change the phone from the summary and come straight back to it.
    page.locator("a[href$='?return=check#id_applicant-applicant_phone']").click()
    expect(page.locator("#id_applicant-applicant_phone")).to_have_value("8 (910) 555-12-34")
    fits_phone(page)
    page.fill("#id_applicant-applicant_phone", "+7 912 000 11 22")
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/check/$"))
    expect(main).to_contain_text("+79120001122")

    page.locator("form[data-submit-once] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/submitted/\d{2}-\d{4}-\d{6}/$"))
    number = page.locator("[data-application-number]").inner_text()
    assert re.fullmatch(r"40-\d{4}-\d{6}", number)
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    fits_phone(page)

    # The status link from the receipt works without the session, on any device.
    status_url = page.locator("[data-status-link]").get_attribute("href")
    page.context.clear_cookies()
    page.goto(status_url)
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator("[data-application-status]")).to_be_visible()
    assert_accessible(page)
    fits_phone(page)
