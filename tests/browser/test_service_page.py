"""A citizen reads a service page on a phone and on a desktop, and uses the FAQ by keyboard."""

import pytest
from playwright.sync_api import expect

HERO_CTA = ".hero a"
FAQ_QUESTION = "details > summary"
TAB_PRESSES_LIMIT = 100

OVERFLOWING_ELEMENTS = """() => {
    const width = document.scrollingElement.clientWidth;
    return [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .slice(0, 10)
        .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_service_page_fits_the_screen_with_title_and_apply_button_visible(
    page, catalog, results_dir, width
):
    url = catalog.service_with(HERO_CTA, "a hero block with an apply button")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url)

    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(HERO_CTA).first).to_be_visible()
    scroll_width, client_width = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert scroll_width <= client_width, (
        f"{url} scrolls sideways at {width}px: content is {scroll_width}px wide in a "
        f"{client_width}px viewport; too wide: {page.evaluate(OVERFLOWING_ELEMENTS)}"
    )
    page.screenshot(path=results_dir / f"service-page-{width}px.png", full_page=True)


def test_faq_answer_opens_and_closes_with_the_keyboard(page, catalog):
    page.goto(catalog.service_with(FAQ_QUESTION, "an FAQ block"))
    details = page.locator("details:has(> summary)").first
    question = details.locator(":scope > summary")
    answer = details.locator(":scope > :not(summary)").first
    expect(answer).to_be_hidden()

    page.locator("body").focus()
    for _press in range(TAB_PRESSES_LIMIT):
        page.keyboard.press("Tab")
        if question.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail(f"The first FAQ question is not reached in {TAB_PRESSES_LIMIT} Tab presses")

    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(answer).to_be_visible()
    page.keyboard.press("Enter")
    expect(answer).to_be_hidden()
    expect(details).not_to_have_attribute("open", "")
