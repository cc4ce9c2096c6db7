"""axe-core finds no serious or critical WCAG 2.x A/AA problem on the pages citizens use, on a
phone and on a desktop, and none of them scrolls sideways on a 320 px phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.long_content import LONG_TITLE
from tests.browser.long_content import SLUG as LONG_LANDING

CATEGORY_LINK = "main a[href*='/category/']"
SEARCH_RESULT = ".service-list li"


def open_portal_home(page, server, catalog):
    page.goto(server.url("/"))


def open_region_home(page, server, catalog):
    page.goto(server.url("/", "kaluga"))


def open_category(page, server, catalog):
    page.goto(server.url("/", "kaluga"))
    catalog.fits_phone(page)
    page.locator(CATEGORY_LINK).first.click()
    expect(page).to_have_url(re.compile(r"/category/[^/]+/$"))


def open_search_results(page, server, catalog):
    page.goto(catalog.service_urls("kaluga")[0])
    catalog.fits_phone(page)
    title = page.locator("h1").inner_text()
    word = max(re.findall(r"\w+", title), key=len)
    page.goto(server.url(f"/search/?q={word}", "kaluga"))
    expect(page.locator(SEARCH_RESULT).first).to_be_visible()


def open_search_for_a_long_word(page, server, catalog):
    page.goto(server.url("/search/?q=Частнопредпринимательская", "kaluga"))
    expect(page.locator(SEARCH_RESULT).first).to_contain_text(LONG_TITLE)


def open_search_without_results(page, server, catalog):
    page.goto(server.url("/search/?q=ъъъыыы", "kaluga"))
    expect(page.locator(SEARCH_RESULT)).to_have_count(0)


def open_empty_search(page, server, catalog):
    page.goto(server.url("/search/?q=", "kaluga"))


def open_service(page, server, catalog):
    page.goto(catalog.service_urls("kaluga")[0])


def open_long_landing(page, server, catalog):
    page.goto(server.url(f"/{LONG_LANDING}/", "kaluga"))
    expect(page.locator(".curator__name")).to_be_visible()


def open_region_404(page, server, catalog):
    response = page.goto(server.url("/zapis-v-detskiy-sd/", "kaluga"))
    assert response.status == 404


def open_portal_404(page, server, catalog):
    response = page.goto(server.url("/kaluga/"))
    assert response.status == 404


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize(
    "open_page",
    [
        open_portal_home,
        open_region_home,
        open_category,
        open_search_results,
        open_search_for_a_long_word,
        open_search_without_results,
        open_empty_search,
        open_service,
        open_long_landing,
        open_region_404,
        open_portal_404,
    ],
    ids=[
        "portal-home",
        "region-home",
        "category",
        "search-results",
        "search-long-word",
        "search-nothing-found",
        "search-empty",
        "service",
        "long-landing",
        "region-404",
        "portal-404",
    ],
)
def test_citizen_page_has_no_serious_accessibility_violations(
    page, demo_server, catalog, assert_accessible, assert_no_sideways_scroll, open_page, width
):
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, demo_server, catalog)
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
