"""axe-core finds no serious or critical WCAG 2.x A/AA problem on the pages citizens use."""

import re

import pytest
from playwright.sync_api import expect

CATEGORY_LINK = "main a[href*='/category/']"
SEARCH_RESULT = ".service-list li"


def open_portal_home(page, server, catalog):
    page.goto(server.url("/"))


def open_region_home(page, server, catalog):
    page.goto(server.url("/", "kaluga"))


def open_category(page, server, catalog):
    page.goto(server.url("/", "kaluga"))
    page.locator(CATEGORY_LINK).first.click()
    expect(page).to_have_url(re.compile(r"/category/[^/]+/$"))


def open_search_results(page, server, catalog):
    page.goto(catalog.service_urls("kaluga")[0])
    title = page.locator("h1").inner_text()
    word = max(re.findall(r"\w+", title), key=len)
    page.goto(server.url(f"/search/?q={word}", "kaluga"))
    expect(page.locator(SEARCH_RESULT).first).to_be_visible()


def open_service(page, server, catalog):
    page.goto(catalog.service_urls("kaluga")[0])


@pytest.mark.parametrize(
    "open_page",
    [open_portal_home, open_region_home, open_category, open_search_results, open_service],
    ids=["portal-home", "region-home", "category", "search-results", "service"],
)
def test_citizen_page_has_no_serious_accessibility_violations(
    page, demo_server, catalog, assert_accessible, open_page
):
    open_page(page, demo_server, catalog)
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
