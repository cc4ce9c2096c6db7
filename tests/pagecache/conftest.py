import pytest
from django.core.cache import caches
from wagtail.models import Page, Site

from sites.models import PortalHomePage
from tests.applications.conftest import form_service  # noqa: F401 - a service with a form


@pytest.fixture
def portal(db):
    """The federal portal at the default site (``localhost``), listing every region."""
    root = Page.get_first_root_node()
    portal = root.add_child(
        instance=PortalHomePage(title="Госуслуги регионов", slug="portal", intro="<p>Все.</p>")
    )
    portal.save_revision().publish()
    Site.objects.filter(is_default_site=True).update(root_page=portal)
    return portal


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """The page cache in this process, empty at the start of each test."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages-under-test",
            "TIMEOUT": settings.PAGE_CACHE_SECONDS,
        },
    }
    caches["pages"].clear()
