"""Which pages may be cached: the public ones every anonymous visitor reads alike."""

from wagtail import hooks

from constructor.pagecache.cache import MARK
from constructor.services.models import ServicePage
from sites.models import InformationPage, PortalHomePage, RegionHomePage

# The portal, a region's catalog (its categories too: routes of the home page), a service
# landing (and its form-schema.json), an information page. Public statistics join when they land.
CACHEABLE = (PortalHomePage, RegionHomePage, ServicePage, InformationPage)


@hooks.register("before_serve_page", order=-100)
def allow_page_cache(page, request, serve_args, serve_kwargs):
    """Mark the request when the page is live, public and of a cacheable type."""
    if isinstance(page, CACHEABLE) and page.live and not page.get_view_restrictions().exists():
        setattr(request, MARK, True)
