import pytest
from django.core.cache import caches

from tests.applications.conftest import form_service  # noqa: F401 - a service with a form


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
