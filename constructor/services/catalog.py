"""Context builders for the catalog pages: the federal portal, a region's home, categories, search.

They are plain functions called from the page models' routes, so the queries a catalog
page costs are visible in one place.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _

from constructor.services.models import ServiceCategory, ServicePage

SEARCH_PAGE_SIZE = 20
SEARCH_QUERY_MAX_LENGTH = 200


def _live_services():
    return ServicePage.objects.live().public().select_related("category").order_by("title")


def portal_catalog(request):
    """Every region with its live services, for the federal portal's home page."""
    from sites.models import Region

    regions = list(Region.objects.select_related("site__root_page").order_by("name"))
    services_by_root = {region.site.root_page.path: [] for region in regions}
    for service in _live_services():
        # Region home pages sit directly under the tree root: the first two path steps.
        root_path = service.path[: 2 * ServicePage.steplen]
        if root_path in services_by_root:
            services_by_root[root_path].append(service)
    return {
        "regions": [
            {"region": region, "services": services_by_root[region.site.root_page.path]}
            for region in regions
        ],
        "categories": ServiceCategory.objects.all(),
    }


def region_catalog(home, request):
    """The region's categories with live service counts, and its services grouped by category."""
    services = list(_live_services().child_of(home))
    by_category = {}
    for service in services:
        by_category.setdefault(service.category_id, []).append(service)
    categories = [
        {
            "category": category,
            "count": len(by_category[category.pk]),
            "services": by_category[category.pk],
        }
        for category in ServiceCategory.objects.all()
        if category.pk in by_category
    ]
    return {"categories": categories, "services": services}


def category_listing(home, request, slug):
    try:
        category = ServiceCategory.objects.get(slug=slug)
    except ServiceCategory.DoesNotExist:
        raise Http404(_("There is no such category.")) from None
    return {
        "category": category,
        "services": list(_live_services().child_of(home).filter(category=category)),
    }


def search_results(home, request):
    """Database full-text search over the region's live services."""
    # A NUL byte ends the query string in the database driver (SQLite errors, PostgreSQL
    # refuses it): it can only be noise, so it goes before anything else sees the query.
    query = (request.GET.get("q") or "").replace("\x00", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    context = {"search_query": query, "results": None, "error": None}
    if not query:
        context["error"] = _("Type what you are looking for, e.g. «детский сад».")
        return context
    results = _live_services().child_of(home).search(query, operator="and")
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context["results"] = page
    context["page_range"] = page.paginator.get_elided_page_range(
        page.number, on_each_side=1, on_ends=1
    )
    return context
