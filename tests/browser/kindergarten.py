"""The demo's kindergarten enrolment form (fixtures/demo/forms.py), filled as a citizen would."""

import datetime
import re

from playwright.sync_api import expect

from tests.browser.conftest import check_phone_width

SERVICE_PATH = "/zapis-v-detskiy-sad/"
CONTINUE = "form[data-application-form] .form-actions button[type=submit]"
ADMIN_LOGIN = ("admin", "admin-demo-2026")


def continue_to(page, step):
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(rf"/step/{step}/$"))
    check_phone_width(page)


def start(page, demo_server):
    page.goto(demo_server.url(SERVICE_PATH, "kaluga"))
    check_phone_width(page)
    page.locator("a[href*='/apply/']").first.click()
    expect(page).to_have_url(re.compile(r"/step/applicant/$"))
    check_phone_width(page)


def fill_applicant(page):
    page.fill("#id_applicant-applicant_name_surname", "Петрова")
    page.fill("#id_applicant-applicant_name_given_name", "Мария")
    page.fill("#id_applicant-applicant_snils", "112-233-445 95")
    page.fill("#id_applicant-applicant_phone", "8 (910) 555-12-34")
    page.fill("#id_applicant-applicant_email", "petrova@example.ru")


def fill_child(page, *, siblings):
    page.fill("#id_child-child_name_surname", "Петров")
    page.fill("#id_child-child_name_given_name", "Иван")
    page.fill("#id_child-child_birth_date", "2022-03-01")
    page.fill("#id_child-child_snils", "156-789-012 11")
    page.fill("#id_child-birth_certificate_series", "II-НК")
    page.fill("#id_child-birth_certificate_number", "123456")
    page.fill("#id_child-birth_certificate_date", "2022-03-10")
    page.check("#id_child-has_siblings_0" if siblings else "#id_child-has_siblings_1")


def reach_step(page, demo_server, step, *, siblings=True):
    """From the service page to ``siblings`` or ``kindergarten``, with good answers on the way."""
    start(page, demo_server)
    fill_applicant(page)
    continue_to(page, "child")
    fill_child(page, siblings=siblings)
    continue_to(page, "siblings" if siblings else "kindergarten")
    if step == "kindergarten" and siblings:
        fill_sibling(page, 0, "Петрова", "Анна", "2019-07-15")
        continue_to(page, "kindergarten")


def fill_sibling(page, index, surname, given_name, born):
    prefix = f"#id_siblings-siblings-{index}-"
    page.fill(f"{prefix}sibling_name_surname", surname)
    page.fill(f"{prefix}sibling_name_given_name", given_name)
    page.fill(f"{prefix}sibling_birth_date", born)


def fill_kindergarten(page):
    page.check("#id_kindergarten-kindergartens_1")
    next_year = datetime.date.today().replace(month=9, day=1) + datetime.timedelta(days=366)
    page.fill("#id_kindergarten-desired_date", next_year.isoformat())
    page.check("#id_kindergarten-full_day_0")
    page.check("#id_kindergarten-has_benefit_1")


def submit_from_kindergarten(page):
    """The last steps: consent, the summary (returned for checks), then the receipt number."""
    fill_kindergarten(page)
    continue_to(page, "agreement")
    page.check("#id_agreement-consent")
    page.locator(CONTINUE).click()
    expect(page).to_have_url(re.compile(r"/check/$"))
    check_phone_width(page)
    summary = page.locator("main").inner_text()
    page.locator("form[data-submit-once] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/submitted/\d{2}-\d{4}-\d{6}/$"))
    check_phone_width(page)
    return summary, page.locator("[data-application-number]").inner_text()


def answers_seen_by_an_official(page, demo_server, number):
    """The application's answers on its page in the admin, as an official reads them."""
    page.context.clear_cookies()
    username, password = ADMIN_LOGIN
    page.goto(demo_server.url("/admin/login/", "kaluga"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(demo_server.url(f"/admin/applications/{number}/", "kaluga"))
    return page.locator("main").inner_text()
