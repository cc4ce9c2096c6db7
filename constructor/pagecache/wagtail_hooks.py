"""Which pages may be cached: the ones every anonymous visitor reads alike."""

from wagtail import hooks

from constructor.pagecache.cache import MARK
from constructor.services.models import ServicePage
from sites.models import InformationPage, PortalHomePage, RegionHomePage

# The portal, a region's catalog (its categories too: routes of the home page), a service
# landing (and its form-schema.json), an information page. Public statistics join when they land.
CACHEABLE = (PortalHomePage, RegionHomePage, ServicePage, InformationPage)


@hooks.register("before_serve_page", order=-100)
def allow_page_cache(page, request, serve_args, serve_kwargs):
    """Mark the request when the page is live and of a cacheable type.

    No query of its own on the render path: a page behind a password or a login never gives a
    storable response anyway. Without access, Wagtail answers with its form (a CSRF token, so
    ``Vary: Cookie``) or a redirect; with access, the visitor has a session, which the cache
    neither serves nor stores (tests/pagecache: the password-protected page).
    """
    if isinstance(page, CACHEABLE) and page.live:
        setattr(request, MARK, True)
