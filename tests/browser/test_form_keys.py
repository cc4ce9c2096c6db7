"""An editor builds an application form by writing questions only; the keys make themselves.

A Kaluga editor creates a service from the federal standard «Выписка из ЕГРН» (1000000031): its
address is the transliterated title, not the code, and the draft holds the standard's reference
form. In the «Application form» tab they add a step and two questions, typing labels and never a
key (the key inputs are hidden until «Show technical keys» is ticked). A draft saved without the
consent text shows that problem in the quality panel, named by step and field, and its link jumps
to the input. With the text written the page goes for review and is accepted; the keys were made
from the labels, and once a reviewer approves, the published form-schema.json uses them.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_review_workflow import (
    EDITOR_LOGIN,
    REVIEWER_LOGIN,
    SUCCESS,
    add_curator_block,
    log_in,
)

STANDARD_CODE = "1000000031"
KEY_INPUTS = "input[name^='application_form-'][name$='-value-key']"
STEP_COUNT_JS = """() => Array.from(document.querySelectorAll("input[name^='application_form-']"))
    .filter((input) => /^application_form-\\d+-value-title$/.test(input.name)).length"""


@pytest.fixture
def demo_server(own_demo_server):
    """This test creates Kaluga's service from its standard: on a server of its own."""
    return own_demo_server


def add_block(page, add_button, option_name):
    """Click a StreamField «+» and, when it offers a menu, pick the block type."""
    add_button.click()
    option = page.get_by_role("option", name=option_name)
    if option.count():
        option.first.click()


def test_an_editor_types_only_labels_and_the_form_goes_for_review(page, demo_server):
    log_in(page, demo_server, EDITOR_LOGIN)
    page.goto(demo_server.url("/admin/registry/create-service/", "kaluga"))
    page.get_by_label(re.compile(STANDARD_CODE)).check()
    page.get_by_role("button", name=re.compile("Создать черновик|Create draft")).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    edit_url = page.url
    slug = page.locator("input[name=slug]").input_value()
    assert re.fullmatch(r"[a-z0-9-]+", slug) and "egrn" in slug, slug

    # The standard asks for a curator: add the region's one, as in the review workflow test.
    add_curator_block(page)

    page.get_by_role("tab", name=re.compile("Форма заявления|Application form")).click()
    switch = page.get_by_label(re.compile("Показать технические ключи|Show technical keys"))
    expect(switch).to_be_visible()
    expect(switch).not_to_be_checked()

    # The draft already holds the standard's reference form; the editor adds a step at the top.
    steps_before = page.evaluate(STEP_COUNT_JS)
    assert steps_before > 0
    keys = page.locator(KEY_INPUTS)
    keys_before = keys.count()
    add_block(page, page.locator(".c-sf-add-button:visible").first, re.compile("^(Шаг|Step)$"))
    # Wagtail names a new child by the stream's next index, wherever it is inserted.
    new_step = f"application_form-{steps_before}-value"
    step_title = page.locator(f"input[name='{new_step}-title']")
    expect(step_title).to_be_visible()
    step_title.fill("Как с вами связаться")

    step_panel = step_title.locator(
        "xpath=ancestor::*[@data-contentpath][not(@data-contentpath='title')][1]"
    )
    add_fields = step_panel.locator("[data-contentpath=fields] .c-sf-add-button:visible")
    add_block(page, add_fields.last, re.compile("^(Телефон|Phone)$"))
    phone_label = page.locator(f"input[name='{new_step}-fields-0-value-label']")
    expect(phone_label).to_be_visible()
    phone_label.fill("Телефон для связи")

    add_block(
        page,
        add_fields.last,
        re.compile("Согласие на обработку персональных данных|Consent to personal-data"),
    )
    consent_label = page.locator(f"input[name='{new_step}-fields-1-value-label']")
    expect(consent_label).to_be_visible()
    consent_label.fill("Согласие на обработку данных")

    # Nobody is asked for a key: the inputs exist but are hidden until the switch is ticked.
    expect(keys).to_have_count(keys_before + 3)
    new_keys = [
        page.locator(f"input[name='{new_step}-key']"),
        page.locator(f"input[name='{new_step}-fields-0-value-key']"),
        page.locator(f"input[name='{new_step}-fields-1-value-key']"),
    ]
    for key in new_keys:
        expect(key).to_be_hidden()
    switch.check()
    for key in new_keys:
        expect(key).to_be_visible()
        expect(key).to_have_value("")
    switch.uncheck()
    expect(new_keys[0]).to_be_hidden()

    # A draft without the consent text saves; the quality panel names what review would refuse
    # and jumps to it.
    # Each save reloads the editor, whose last page still shows an earlier success message.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^(Сохранить черновик|Save draft)$")).click()
    expect(page.locator(SUCCESS).first).to_be_visible()
    problem = page.locator(".quality-panel a", has_text="«Согласие на обработку данных»")
    expect(problem).to_contain_text(re.compile("(Шаг|Step) «Как с вами связаться»"))
    problem.click()
    consent_text = page.locator("textarea[name='application_form-0-value-fields-1-value-text']")
    expect(consent_text).to_be_visible()
    expect(consent_text).to_be_focused()
    consent_text.fill(
        "Я согласен на обработку моих персональных данных для рассмотрения заявления."
    )

    # The save made the keys from the labels.
    expect(page.locator("input[name='application_form-0-value-key']")).to_have_value(
        "kak_s_vami_svyazatsya"
    )
    expect(page.locator("input[name='application_form-0-value-fields-0-value-key']")).to_have_value(
        "telefon_dlya_svyazi"
    )
    expect(page.locator(KEY_INPUTS).first).to_be_hidden()

    page.locator(".w-dropdown-button .w-dropdown__toggle").last.click()
    with page.expect_navigation():
        page.locator("button[name=action-submit]").click()
    expect(page.locator(SUCCESS).first).to_be_visible()
    page.goto(edit_url)
    expect(page.locator(".quality-panel")).to_contain_text(
        re.compile("Все обязательные правила выполнены|Every mandatory rule is met")
    )

    # A federal reviewer approves; the live form uses the keys made from the labels.
    log_in(page, demo_server, REVIEWER_LOGIN)
    page.goto(edit_url)
    approve = page.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    )
    if not approve.first.is_visible():
        page.locator(".w-dropdown-button .w-dropdown__toggle").last.click()
    approve.first.click()
    expect(page.locator(SUCCESS).first).to_be_visible()

    # A JSON document, not a page a citizen visits: fetched from the Kaluga editor, not opened.
    assert page.url.startswith(demo_server.url("/", "kaluga")), page.url
    status, schema = page.evaluate(
        "async (url) => { const r = await fetch(url); return [r.status, await r.json()]; }",
        f"/{slug}/form-schema.json",
    )
    assert status == 200, schema
    # The new step came first: its questions lead the schema, before the standard's own.
    assert list(schema["json_schema"]["properties"])[:2] == [
        "telefon_dlya_svyazi",
        "soglasie_na_obrabotku_dannykh",
    ]
