"""The page cache: anonymous visitors get public pages from it; every change purges them.

Requests go through the whole middleware stack (Django's test client) on each region's own
host. ``X-Page-Cache`` says whether a response was stored (``miss``) or served from the cache
(``hit``); a hit costs no database query at all.
"""

import logging
import pickle

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from constructor.pagecache.cache import ALIAS
from constructor.services.curators import Curator
from sites.models import RegionBranding

CACHE_HEADER = "X-Page-Cache"


def host(region):
    return f"{region.site.hostname}:{region.site.port}"


def landing_body(title, curator=None):
    body = [{"type": "hero", "value": {"heading": title, "summary": "Подайте онлайн."}}]
    if curator is not None:
        body.append(
            {
                "type": "curator",
                "value": {"heading": "Куратор услуги", "curator": curator.pk, "note": ""},
            }
        )
    return body


@pytest.fixture
def curator(region):
    return Curator.objects.create(
        region=region,
        full_name="Смирнова Анна Викторовна",
        position="Заместитель министра образования",
        organisation="Министерство образования и науки Калужской области",
        consent_to_publish=True,
    )


@pytest.fixture
def landing(region, category, make_service, curator):
    title = "Запись ребёнка в детский сад"
    return make_service(region, title, category, "4000000001", body=landing_body(title, curator))


def get(client, region, path, **extra):
    return client.get(path, HTTP_HOST=host(region), **extra)


def cached_twice(client, region, path):
    """The second of two anonymous visits, after checking the first was stored."""
    first = get(client, region, path)
    assert first.status_code == 200
    assert first[CACHE_HEADER] == "miss", f"{path} was not stored"
    second = get(client, region, path)
    assert second[CACHE_HEADER] == "hit"
    return first, second


def stored_responses():
    """Every page response in the cache (the in-process cache of the test settings)."""
    found = []
    for value in caches[ALIAS]._cache.values():
        thing = pickle.loads(value)  # noqa: S301 - our own cache, in this process
        if hasattr(thing, "status_code"):
            found.append(thing)
    return found


# What is cached ----------------------------------------------------------------------------


def test_a_landing_is_served_from_the_cache_without_a_query(
    client, region, landing, django_assert_num_queries
):
    first = get(client, region, landing.url)
    assert first[CACHE_HEADER] == "miss"
    # A CDN keeps it as long as we do; a browser comes back to us every time.
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
    with django_assert_num_queries(0):
        second = get(client, region, landing.url)
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    # The security headers are added on the way out, to a cached page as to a rendered one.
    assert "Content-Security-Policy" in second
    assert "Permissions-Policy" in second


def test_the_catalog_a_category_and_the_portal_are_cached(
    client, region, landing, category, portal
):
    cached_twice(client, region, "/")
    cached_twice(client, region, f"/category/{category.slug}/")
    portal = client.get("/", HTTP_HOST="localhost")
    assert portal[CACHE_HEADER] == "miss"
    assert client.get("/", HTTP_HOST="localhost")[CACHE_HEADER] == "hit"


def test_each_host_has_its_own_copy(client, region, other_region, landing):
    cached_twice(client, region, "/")
    elsewhere = get(client, other_region, "/")
    assert elsewhere[CACHE_HEADER] == "miss"
    assert "Тульская" in elsewhere.content.decode()


# What is never cached ------------------------------------------------------------------------


def test_a_search_or_any_query_string_is_rendered_every_time(client, region, landing):
    for _ in range(2):
        response = get(client, region, "/search/", data={"q": "сад"})
        assert CACHE_HEADER not in response
    for _ in range(2):
        assert CACHE_HEADER not in get(client, region, landing.url, data={"utm_source": "news"})


def test_a_visitor_with_a_session_is_never_served_nor_stored(client, region, landing, editor):
    client.force_login(editor)
    for _ in range(2):
        response = get(client, region, landing.url)
        assert response.status_code == 200
        assert CACHE_HEADER not in response
    assert stored_responses() == []


def test_the_application_form_and_its_csrf_token_are_never_cached(client, region, form_service):
    path = reverse("applications:start", args=[form_service.slug])
    for _ in range(2):
        response = client.get(path, HTTP_HOST=host(region), follow=True)
        assert response.status_code == 200
        assert CACHE_HEADER not in response
    assert stored_responses() == []


def test_a_page_behind_a_password_is_never_cached(client, region, landing):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=landing, restriction_type=PageViewRestriction.PASSWORD, password="пароль"
    )
    for _ in range(2):
        assert CACHE_HEADER not in get(client, region, landing.url)
    assert stored_responses() == []


def test_nothing_personal_is_ever_in_the_cache(client, region, landing, editor, form_service):
    """After anonymous, signed-in and form visits, every stored page is anonymous and static."""
    get(client, region, landing.url)
    get(client, region, "/")
    client.get(reverse("applications:start", args=[form_service.slug]), HTTP_HOST=host(region))
    client.force_login(editor)
    get(client, region, landing.url)
    client.get("/admin/", HTTP_HOST=host(region))
    stored = stored_responses()
    assert stored, "the anonymous visits stored nothing"
    for response in stored:
        text = response.content.decode()
        assert "csrfmiddlewaretoken" not in text
        assert editor.username not in text
        assert not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()


# Purging -------------------------------------------------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if its transaction committed: purges run after the commit only."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def republish(page, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_publishing_a_change_shows_on_the_landing_the_catalog_and_the_portal(
    client, region, landing, portal, committed
):
    cached_twice(client, region, landing.url)
    cached_twice(client, region, "/")
    client.get("/", HTTP_HOST="localhost")
    with committed():
        republish(landing, title="Запись в детский сад онлайн")
    for response in (
        get(client, region, landing.url),
        get(client, region, "/"),
        client.get("/", HTTP_HOST="localhost"),
    ):
        assert response[CACHE_HEADER] == "miss"
        assert "Запись в детский сад онлайн" in response.content.decode()


def test_a_change_in_one_region_leaves_anothers_pages_cached(
    client, region, other_region, landing, category, make_service, committed
):
    other = make_service(other_region, "Зачисление в школу", category, "7100000001")
    cached_twice(client, other_region, other.url)
    with committed():
        republish(landing, title="Запись в детский сад онлайн")
    assert get(client, other_region, other.url)[CACHE_HEADER] == "hit"


def test_unpublishing_and_deleting_take_the_page_away_at_once(
    client, region, landing, category, committed
):
    cached_twice(client, region, landing.url)
    with committed():
        landing.unpublish()
    assert get(client, region, landing.url).status_code == 404
    with committed():
        landing.save_revision().publish()
    cached_twice(client, region, landing.url)
    with committed():
        landing.delete()
    assert get(client, region, landing.url).status_code == 404


def test_a_page_that_moves_to_a_new_address_is_gone_from_the_old_one(
    client, region, landing, make_service, category, committed
):
    from sites.models import InformationPage

    about = InformationPage(title="О портале", slug="about", body="<p>Портал услуг.</p>")
    region.home_page.add_child(instance=about)
    about.save_revision().publish()
    old_url = about.url
    cached_twice(client, region, old_url)
    about.refresh_from_db()
    with committed():
        about.slug = "o-portale"
        about.save_revision().publish()
    moved = get(client, region, old_url)
    assert CACHE_HEADER not in moved
    assert moved.status_code == 301  # Wagtail's redirect to the new address, not the old page


def test_a_curators_change_shows_on_the_landings_that_name_them(
    client, region, landing, curator, committed
):
    cached_twice(client, region, landing.url)
    curator.position = "Министр образования"
    with committed():
        curator.save()
    response = get(client, region, landing.url)
    assert response[CACHE_HEADER] == "miss"
    assert "Министр образования" in response.content.decode()


def test_a_category_and_the_branding_purge_the_catalog(
    client, region, landing, category, committed
):
    cached_twice(client, region, "/")
    category.name = "Дети и семья"
    with committed():
        category.save()
    response = get(client, region, "/")
    assert response[CACHE_HEADER] == "miss"
    assert "Дети и семья" in response.content.decode()
    assert get(client, region, "/")[CACHE_HEADER] == "hit"
    branding = RegionBranding.for_site(region.site)
    branding.display_name = "Госуслуги Калужского края"
    with committed():
        branding.save()
    response = get(client, region, "/")
    assert response[CACHE_HEADER] == "miss"
    assert "Госуслуги Калужского края" in response.content.decode()


def test_starting_a_pilot_hides_the_cached_landing(client, region, landing, editor, committed):
    from constructor.review.pilot import start_pilot

    cached_twice(client, region, landing.url)
    with committed():
        start_pilot(landing, editor)
    assert get(client, region, landing.url).status_code == 404


# When the cache fails ------------------------------------------------------------------------


BROKEN = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    ALIAS: {"BACKEND": "tests.pagecache.broken_cache.BrokenCache"},
}


def test_a_cache_that_is_down_serves_every_page_uncached(client, region, landing, caplog):
    with override_settings(CACHES=BROKEN):
        with caplog.at_level(logging.WARNING, logger="constructor.pagecache.cache"):
            for _ in range(2):
                response = get(client, region, landing.url)
                assert response.status_code == 200
                assert CACHE_HEADER not in response
        assert "cannot be read" in caplog.text


def test_a_purge_that_fails_is_logged_and_never_breaks_the_publish(
    client, region, landing, caplog, django_capture_on_commit_callbacks
):
    with (
        override_settings(CACHES=BROKEN),
        caplog.at_level(logging.WARNING, logger="constructor.pagecache.cache"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        republish(landing, title="Запись в детский сад онлайн")
    assert "could not be purged" in caplog.text
    landing.refresh_from_db()
    assert landing.title == "Запись в детский сад онлайн"


def test_a_page_moved_to_another_region_is_gone_from_the_first(
    client, region, other_region, committed
):
    from sites.models import InformationPage

    about = InformationPage(title="О портале", slug="about", body="<p>Портал услуг.</p>")
    region.home_page.add_child(instance=about)
    about.save_revision().publish()
    cached_twice(client, region, "/about/")
    with committed():
        about.move(other_region.home_page, pos="last-child")
    assert get(client, region, "/about/").status_code == 404
    assert get(client, other_region, "/about/").status_code == 200


def test_a_host_we_do_not_serve_is_refused_without_a_cache_warning(client, landing, caplog):
    with caplog.at_level(logging.WARNING, logger="constructor.pagecache.cache"):
        response = client.get(landing.url_path, HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "page cache" not in caplog.text
