"""Error pages: the product's own, in Russian, on every site, and what `make run` shows.

`make run` runs the dev settings; with DEBUG on there a mistyped address showed Django's
technical 404 in English with the URL list. The run settings keep DEBUG off unless a developer
sets DJANGO_DEBUG, so citizens' pages and error pages look the same as in production.
"""

import importlib

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import clear_url_caches, get_resolver
from wagtail.models import Page, Site

from sites.models import PortalHomePage, RegionBranding

PORTAL_NAME = "Портал госуслуг регионов"
REGION_NAME = "Госуслуги Калужской области"
TECHNICAL_404 = "Using the URLconf"


def dev_settings(monkeypatch, debug=None):
    """The run settings module, imported afresh with DJANGO_DEBUG as given (None: unset)."""
    if debug is None:
        monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    else:
        monkeypatch.setenv("DJANGO_DEBUG", debug)
    import constructor.settings.dev as dev

    return importlib.reload(dev)


@pytest.fixture
def sites(db, region):
    """The federal portal and a region, each with its own name in the header."""
    portal = Page.get_first_root_node().add_child(
        instance=PortalHomePage(title="Госуслуги регионов", slug="portal", intro="<p>Все.</p>")
    )
    portal.save_revision().publish()
    Site.objects.filter(is_default_site=True).update(root_page=portal)
    portal_site = Site.objects.get(is_default_site=True)
    for site, name in ((portal_site, PORTAL_NAME), (region.site, REGION_NAME)):
        branding = RegionBranding.for_site(site)
        branding.display_name = name
        branding.save()
    return {"portal": portal_site, "region": region.site}


def client_for(site):
    return Client(HTTP_HOST=f"{site.hostname}:{site.port}")


def request_for(site, path="/"):
    return RequestFactory().get(path, HTTP_HOST=f"{site.hostname}:{site.port}")


# The run settings ------------------------------------------------------------------------


def test_make_run_settings_have_debug_off_by_default(monkeypatch):
    assert dev_settings(monkeypatch).DEBUG is False


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_a_developer_turns_debug_pages_on_with_django_debug(monkeypatch, value):
    assert dev_settings(monkeypatch, value).DEBUG is True


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_django_debug_set_to_no_keeps_debug_off(monkeypatch, value):
    assert dev_settings(monkeypatch, value).DEBUG is False


def test_make_run_settings_serve_static_files_and_images_without_debug(monkeypatch):
    dev = dev_settings(monkeypatch)
    assert dev.WHITENOISE_USE_FINDERS is True
    assert dev.SERVE_PUBLIC_MEDIA is True


@pytest.mark.parametrize("kind", ["portal", "region"])
def test_a_mistyped_address_under_the_run_settings_gets_the_russian_404(
    monkeypatch, settings, sites, kind
):
    settings.DEBUG = dev_settings(monkeypatch).DEBUG
    response = client_for(sites[kind]).get("/zapis-v-detskiy-sd/")
    assert response.status_code == 404
    page = response.content.decode()
    assert TECHNICAL_404 not in page
    assert "Страница не найдена" in page
    assert (PORTAL_NAME if kind == "portal" else REGION_NAME) in page


# Every handler, on both kinds of site ------------------------------------------------------


@pytest.mark.parametrize("kind", ["portal", "region"])
def test_the_404_page_is_russian_and_carries_the_sites_own_header(client, sites, kind):
    response = client_for(sites[kind]).get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert "Страница не найдена" in page
    assert "Перейти к списку услуг" in page
    assert (PORTAL_NAME if kind == "portal" else REGION_NAME) in page
    assert (REGION_NAME if kind == "portal" else PORTAL_NAME) not in page


@pytest.mark.parametrize("kind", ["portal", "region"])
def test_the_403_page_is_russian_and_carries_the_sites_own_header(sites, kind):
    handler = get_resolver().resolve_error_handler(403)
    response = handler(request_for(sites[kind]), PermissionDenied())
    assert response.status_code == 403
    page = response.content.decode()
    assert "Нет доступа к этой странице" in page
    assert (PORTAL_NAME if kind == "portal" else REGION_NAME) in page


@pytest.mark.parametrize("kind", ["portal", "region"])
def test_a_form_sent_without_its_csrf_token_gets_the_russian_expired_form_page(sites, kind):
    browser = Client(
        enforce_csrf_checks=True, HTTP_HOST=client_for(sites[kind]).defaults["HTTP_HOST"]
    )
    response = browser.post("/search/", {"q": "сад"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Форма устарела" in page
    assert "CSRF" not in page
    assert (PORTAL_NAME if kind == "portal" else REGION_NAME) in page


def test_too_many_fields_in_a_region_address_get_the_russian_400_page(sites):
    query = "&".join(f"f{index}=1" for index in range(10_001))
    response = client_for(sites["region"]).get(f"/search/?q=сад&{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Не удалось обработать запрос" in page
    assert REGION_NAME in page


def test_an_unknown_host_gets_the_russian_400_page_with_the_portals_header(sites):
    response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Не удалось обработать запрос" in page
    assert PORTAL_NAME in page


@pytest.mark.parametrize("host", ["kaluga.localhost:8000", "localhost:8000"])
def test_the_500_page_is_russian_and_renders_without_the_database(host):
    """No ``db`` fixture: pytest-django fails any query, as a database that is down would."""
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/", HTTP_HOST=host))
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert "Ошибка сервера" in page
    assert "Попробуйте ещё раз через несколько минут" in page


def test_an_exception_in_a_view_gets_the_russian_500_page(sites, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the catalog query failed")

    monkeypatch.setattr("sites.models.RegionHomePage.serve", broken)
    browser = client_for(sites["region"])
    browser.raise_request_exception = False
    response = browser.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Ошибка сервера" in page
    assert "RuntimeError" not in page


# Images in `make run` ----------------------------------------------------------------------


@pytest.fixture
def public_media(settings, tmp_path):
    """The URLconf as the run settings build it: renditions served from a MEDIA_ROOT."""
    import constructor.urls

    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_PUBLIC_MEDIA = True
    for folder, name in (("images", "arms.height-96.png"), ("original_images", "portrait.png")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "private.pdf").write_bytes(b"%PDF-1.7")
    importlib.reload(constructor.urls)
    clear_url_caches()
    yield tmp_path
    settings.SERVE_PUBLIC_MEDIA = False
    importlib.reload(constructor.urls)
    clear_url_caches()


def test_image_renditions_are_served_when_the_settings_say_so(client, public_media):
    response = client.get("/media/images/arms.height-96.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/media/original_images/portrait.png",
        "/media/documents/private.pdf",
        "/media/images/../original_images/portrait.png",
        "/media/images/%2e%2e/original_images/portrait.png",
        "/media/images/..%2foriginal_images/portrait.png",
        "/media/images/",
        "/media/images/no-such.png",
    ],
)
def test_nothing_but_renditions_is_served_from_media(client, sites, public_media, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert b"PNG" not in response.content and b"%PDF" not in response.content


def test_media_is_not_routed_when_the_settings_leave_it_off(client, sites, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "arms.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert client.get("/media/images/arms.png").status_code == 404
