"""What a question asks for is said before the citizen answers, on the demo kindergarten form.

Once «Есть ли у вас право на льготу» is «Да», the benefit and its document must be given, so
their labels lose «(необязательно)» as they appear. The document's limits (formats, size,
number of files) stand under the input, and a file that breaks them is refused in the browser
before anything is sent.
"""

import re

from playwright.sync_api import expect

from tests.browser.kindergarten import CONTINUE, reach_step

MEGABYTE = 1024 * 1024
DOCUMENT = "#id_kindergarten-benefit_document"


def label_of(page, key):
    group = page.locator(".form-group").filter(has=page.locator(f"[name='kindergarten-{key}']"))
    return group.locator("legend.form-label, label.form-label").first


def test_questions_that_become_required_lose_optional_as_they_appear(
    page, demo_server, assert_accessible
):
    reach_step(page, demo_server, "kindergarten", siblings=False)
    expect(label_of(page, "group_type").locator(".form-optional")).to_be_visible()
    page.check("#id_kindergarten-has_benefit_0")
    for key in ("benefit", "benefit_document"):
        expect(label_of(page, key)).to_be_visible()
        expect(label_of(page, key).locator(".form-optional")).to_be_hidden()
    assert_accessible(page)
    # The rule holds on the server too: left empty, they are asked for, still not "optional".
    page.locator(CONTINUE).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    for key in ("benefit", "benefit_document"):
        expect(label_of(page, key)).to_be_visible()
        expect(label_of(page, key).locator(".form-optional")).to_be_hidden()
    expect(label_of(page, "group_type").locator(".form-optional")).to_be_visible()


def big_file(folder, name, megabytes):
    """A file on disk, handed to Chromium by its path (a buffer that size crawls through)."""
    path = folder / name
    with path.open("wb") as file:
        file.truncate(megabytes * MEGABYTE)
    return path


def test_a_file_over_the_limit_is_refused_before_it_is_sent(page, demo_server, tmp_path):
    reach_step(page, demo_server, "kindergarten", siblings=False)
    page.check("#id_kindergarten-has_benefit_0")
    expect(page.locator(f"{DOCUMENT}-rules")).to_have_text(
        "Форматы: PDF, JPEG, PNG. Размер каждого файла: не больше 10\u00a0МБ. "
        "Можно приложить до 2 файлов."
    )
    error = page.locator(f"{DOCUMENT}-upload-error")

    page.set_input_files(DOCUMENT, big_file(tmp_path, "справка.pdf", 11))
    expect(error).to_have_text(
        "Файл справка.pdf больше 10\u00a0МБ. Выберите файл меньшего размера."
    )
    expect(page.locator(DOCUMENT)).to_have_attribute("aria-invalid", "true")
    assert page.locator(DOCUMENT).evaluate("input => input.files.length") == 0

    wrong_type = {"name": "справка.docx", "mimeType": "application/msword", "buffer": b"PK\x03\x04"}
    page.set_input_files(DOCUMENT, wrong_type)
    expect(error).to_contain_text("Файл справка.docx не подходит")
    assert page.locator(DOCUMENT).evaluate("input => input.files.length") == 0

    three = [{**wrong_type, "name": f"справка{n}.pdf"} for n in range(3)]
    page.set_input_files(DOCUMENT, three)
    expect(error).to_contain_text("не больше 2")

    # Sending the page now carries no file at all; the server asks for the document.
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.locator(CONTINUE).click()
    assert len(posted.value.post_data_buffer or b"") < MEGABYTE
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/step/kindergarten/$"))


def test_without_javascript_a_file_over_the_limit_is_refused_at_the_field(
    page_without_javascript, demo_server, tmp_path
):
    page = page_without_javascript
    reach_step(page, demo_server, "kindergarten", siblings=False)
    page.check("#id_kindergarten-has_benefit_0")
    page.check("#id_kindergarten-benefit_0")
    page.set_input_files(DOCUMENT, big_file(tmp_path, "справка.pdf", 30))
    page.locator(CONTINUE).click()
    expect(page.locator(f"{DOCUMENT}-error")).to_contain_text("Файл справка.pdf больше 10")
    expect(page.locator("#id_kindergarten-benefit_0")).to_be_checked()
