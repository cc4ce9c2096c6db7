"""The mapping rules' inputs suggest the integration's fields and the form's fields."""

import re
from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.test_admin_publish import EDITOR_LOGIN, log_in


def test_a_new_rule_offers_the_agency_fields_and_the_form_fields(
    page, demo_server, catalog, assert_no_sideways_scroll
):
    service_url = next(
        url for url in catalog.service_urls("kaluga") if "zapis-v-detskiy-sad" in url
    )
    page.goto(service_url)
    assert_no_sideways_scroll(page)
    title = page.locator("h1").inner_text().strip()
    log_in(page, demo_server, EDITOR_LOGIN)
    page.goto(demo_server.url(f"/admin/pages/search/?q={quote(title)}", "kaluga"))
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))

    page.get_by_role("tab", name=re.compile("Передача в ведомство|Agency delivery")).click()
    select = page.locator("select#id_integration")
    values = [
        value
        for value in select.locator("option").evaluate_all("options => options.map(o => o.value)")
        if value
    ]
    assert values, "the demo has integrations"
    select.select_option(values[0])

    rules_before = page.locator("input[name$='-value-target'][name^='payload_mapping-']").count()
    add = page.get_by_role("button", name=re.compile("Вставить блок|Insert a block")).last
    add.click()
    targets = page.locator("input[name$='-value-target'][name^='payload_mapping-']")
    expect(targets).to_have_count(rules_before + 1)
    new_target = targets.last
    expect(new_target).to_have_attribute("list", "mapping-chooser-targets")
    expect(
        page.locator("input[name$='-value-field'][name^='payload_mapping-']").last
    ).to_have_attribute("list", "mapping-chooser-sources")
    # The suggestions arrive from the options view: the agency's pointers and the form's keys.
    expect(page.locator("#mapping-chooser-targets option").first).to_have_attribute(
        "value", re.compile(r"^/")
    )
    expect(page.locator("#mapping-chooser-sources option").first).to_be_attached()
