from wagtail.models import Site


def region(request):
    """The current site's Region (None on the federal portal) for headers and breadcrumbs."""
    site = Site.find_for_request(request)
    region = getattr(site, "region", None) if site else None
    return {"current_site": site, "current_region": region}
