"""A citizen reads a service page on a phone and on a desktop, and uses the FAQ by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.long_content import SLUG as LONG_LANDING

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


@pytest.mark.parametrize("region", ["kaluga", "tula", "novosibirsk"])
def test_every_landing_of_the_region_fits_a_phone(catalog, region):
    for url in catalog.service_urls(region):
        catalog.page.goto(url)
        catalog.fits_phone(catalog.page)


def test_a_landing_full_of_long_words_links_and_addresses_fits_a_phone(
    page, demo_server, assert_no_sideways_scroll, results_dir
):
    page.goto(demo_server.url(f"/{LONG_LANDING}/", "kaluga"))
    for block in ("curator", "offices", "fees", "documents", "support", "legal"):
        expect(page.locator(f".landing-block--{block}")).to_be_visible()
    assert_no_sideways_scroll(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=results_dir / "long-landing-320px.png", full_page=True)


IMAGE_SHOWN = "image => image.complete && image.naturalWidth > 0"


def test_stylesheets_curator_photo_and_coat_of_arms_load_with_debug_off(
    page, catalog, assert_no_sideways_scroll
):
    """The demo server runs `make run`'s settings, DEBUG off: WhiteNoise and the rendition view."""
    failed = []
    page.on("response", lambda response: response.status < 400 or failed.append(response.url))
    page.goto(catalog.service_with(".curator__photo", "a curator with a photo"))
    photo = page.locator(".curator__photo").first
    arms = page.locator(".site-header__emblem")
    expect(photo).to_have_attribute("src", re.compile(r"^/media/images/"))
    expect(arms).to_have_attribute("src", re.compile(r"^/media/images/"))
    assert photo.evaluate(IMAGE_SHOWN), "the curator's photo did not load"
    assert arms.evaluate(IMAGE_SHOWN), "the region's coat of arms did not load"
    header = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header not in ("", "transparent", "rgba(0, 0, 0, 0)"), "base.css did not load"
    assert not failed, f"these requests failed: {failed}"
    assert_no_sideways_scroll(page)


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
