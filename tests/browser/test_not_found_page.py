"""A mistyped address on `make run`'s settings: the site's own Russian page, not Django's."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize(
    ("region", "title", "tagline"),
    [
        ("kaluga", "Госуслуги Калужской области", "Госуслуги региона"),
        (None, "Госуслуги", "Портал госуслуг"),
    ],
    ids=["region", "portal"],
)
def test_a_mistyped_address_shows_the_sites_own_russian_404(
    page, demo_server, assert_no_sideways_scroll, region, title, tagline
):
    response = page.goto(demo_server.url("/zapis-v-detskiy-sd/", region))
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Страница не найдена")
    expect(page.locator(".site-header__title")).to_have_text(title)
    expect(page.locator(".site-header__tagline")).to_have_text(tagline)
    expect(page.locator("body")).not_to_contain_text("URLconf")
    assert_no_sideways_scroll(page)

    page.get_by_role("link", name="Перейти к списку услуг").click()
    expect(page).to_have_url(demo_server.url("/", region))
    assert_no_sideways_scroll(page)
