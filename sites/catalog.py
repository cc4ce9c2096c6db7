"""What a site's home pages list, supplied by the package that owns the services.

The portal's and a region's home pages live here, on the ground floor, but what they list
(services, categories, search results) belongs to ``constructor.services``, a floor above. So
the home pages ask this registry, and the services app fills it when Django starts
(``ServicesConfig.ready``): the dependency runs up through a registry, never an import
(docs/ARCHITECTURE.md, "Layers").

A provider is any object with the four context builders below; each returns a dict of template
context (or raises Http404).
"""

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class Catalog(Protocol):
    def portal_catalog(self, request) -> dict: ...

    def region_catalog(self, home, request) -> dict: ...

    def category_listing(self, home, request, slug) -> dict: ...

    def search_results(self, home, request) -> dict: ...


_provider: Catalog | None = None


def provide(catalog: Catalog) -> None:
    """Called once, by the app that owns the services, from its ``AppConfig.ready``."""
    global _provider
    _provider = catalog


def catalog() -> Catalog:
    if _provider is None:
        raise ImproperlyConfigured(
            "No catalog for the home pages: add constructor.services to INSTALLED_APPS."
        )
    return _provider
