"""The search box in a region's header has a label a citizen can see, and an example."""

import re

import pytest
from playwright.sync_api import expect

LABEL = "Поиск услуг"
EXAMPLE = "Например, детский сад"
# A visually hidden label is 1 px square: a visible one is at least a line of text.
READABLE_PX = 10


@pytest.mark.parametrize("width", [375, 1280])
def test_the_header_search_has_a_visible_label_and_an_example(
    page, demo_server, assert_accessible, assert_no_sideways_scroll, width
):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(demo_server.url("/category/education/", "kaluga"))
    assert_no_sideways_scroll(page)
    header = page.locator(".site-header")
    label = header.locator("label", has_text=LABEL)
    expect(label).to_be_visible()
    box = label.bounding_box()
    assert box["width"] > READABLE_PX and box["height"] > READABLE_PX, (
        f"the header's search label is not visible on screen: {box}"
    )
    search = header.get_by_label(LABEL)
    expect(search).to_have_attribute("placeholder", EXAMPLE)
    assert_accessible(page)

    search.fill("детский сад")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.locator(".service-list li").first).to_be_visible()
    assert_no_sideways_scroll(page)
