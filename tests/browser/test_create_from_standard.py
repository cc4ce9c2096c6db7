"""An editor creates a service from a standard and finds its delivery to the agency proven.

A Kaluga editor starts «Выписка из ЕГРН» (federal code 1000000031: run in Tula, not yet in
Kaluga) from the registry. Without a single key typed, the draft has the standard's
application form, the «Передача в ведомство» tab has the integration chosen and every rule in
place, and the mapping check says there are no errors.
"""

import re

from playwright.sync_api import expect

from fixtures.demo.forms import APPLICATION_FORMS
from fixtures.demo.mappings import MAPPINGS
from tests.browser.test_admin_publish import EDITOR_LOGIN, log_in

STANDARD_CODE = "1000000031"
SLUG = "vypiska-iz-egrn"


def test_a_service_from_a_standard_passes_the_mapping_check_untouched(page, demo_server):
    log_in(page, demo_server, EDITOR_LOGIN)
    page.goto(demo_server.url("/admin/registry/create-service/", "kaluga"))
    page.get_by_label(re.compile(STANDARD_CODE)).check()
    page.get_by_role("button", name=re.compile("Создать черновик|Create draft")).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))

    page.get_by_role("tab", name=re.compile("Форма заявления|Application form")).click()
    steps = [step["value"]["key"] for step in APPLICATION_FORMS[SLUG]]
    expect(page.locator("input[name='application_form-0-value-key']")).to_have_value(steps[0])
    step_keys = page.locator("input[name^='application_form-']").evaluate_all(
        "inputs => inputs.filter(i => /^application_form-\\d+-value-key$/.test(i.name))"
        ".map(i => i.value)"
    )
    assert step_keys == steps

    page.get_by_role("tab", name=re.compile("Передача в ведомство|Agency delivery")).click()
    expect(page.locator("select#id_integration option:checked")).to_have_text(
        re.compile("Выписка из ЕГРН")
    )
    targets = page.locator("input[name^='payload_mapping-'][name$='-value-target']")
    expect(targets).to_have_count(len(MAPPINGS[SLUG]["rules"]))
    expect(page.locator(".mapping-report__summary")).to_contain_text(
        re.compile("Ошибок нет|No errors")
    )
    expect(page.locator(".mapping-report__row--error")).to_have_count(0)
    # The chooser knows every agency field the rules name: each one is spelled out in words.
    first_hint = page.locator(f"#{targets.first.get_attribute('id')}-meaning")
    expect(first_hint).to_contain_text("→")
