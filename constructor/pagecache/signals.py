"""What purges what: each change bumps the generations of the sites whose pages show it.

A page's own site (a region's host) and the portal, which lists every region's services, on
publish, unpublish, move and delete; a curator's region; a region's branding on its site and
the portal; and everywhere for what every site shows (categories, the registry, regions and
sites, images and documents, which any page may embed). Purges run after the transaction
commits: run before it, a visitor arriving in between could cache the old page again under the
new generation.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from constructor.pagecache.cache import EVERYWHERE, PORTAL, purge
from constructor.registry.models import LifeSituation, ServiceStandard
from constructor.review.models import Pilot
from constructor.services.curators import Curator
from constructor.services.models import ServiceCategory
from sites.models import Region, RegionBranding


def purge_after_commit(*scopes):
    transaction.on_commit(partial(purge, *scopes), robust=True)


def site_scopes(site):
    """A region's host and the portal; the portal alone for the default site or none."""
    if site is None or site.is_default_site:
        return (PORTAL,)
    return (site.hostname, PORTAL)


def page_changed(sender, instance, **kwargs):
    try:
        site = instance.get_site()
    except Exception:  # a page deleted with its tree: purge everywhere rather than guess
        site = None
        purge_after_commit(EVERYWHERE)
    purge_after_commit(*site_scopes(site))


def page_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    # Both the site it left and the one it went to: with the sites' roots, one purge each.
    roots = Site.objects.select_related("root_page")
    scopes = {PORTAL}
    for site in roots:
        root = site.root_page.url_path
        if url_path_before and url_path_before.startswith(root) and not site.is_default_site:
            scopes.add(site.hostname)
        if url_path_after and url_path_after.startswith(root) and not site.is_default_site:
            scopes.add(site.hostname)
    purge_after_commit(*scopes)


def curator_changed(sender, instance, **kwargs):
    region = Region.objects.filter(pk=instance.region_id).select_related("site").first()
    purge_after_commit(*site_scopes(region.site if region else None))


def branding_changed(sender, instance, **kwargs):
    purge_after_commit(*site_scopes(instance.site))


def pilot_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    purge_after_commit(*site_scopes(page.get_site() if page else None))


# Bookkeeping Wagtail writes as it reads a file (serving a page fills them in once).
FILE_BOOKKEEPING = frozenset({"file_hash", "file_size"})


def shown_everywhere(sender, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= FILE_BOOKKEEPING:
        return
    purge_after_commit(EVERYWHERE)


def connect():
    page_published.connect(page_changed, dispatch_uid="pagecache-published")
    page_unpublished.connect(page_changed, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(page_moved, dispatch_uid="pagecache-moved")
    post_delete.connect(page_changed, sender=Page, dispatch_uid="pagecache-page-deleted")
    for signal in (post_save, post_delete):
        name = "saved" if signal is post_save else "deleted"
        signal.connect(curator_changed, sender=Curator, dispatch_uid=f"pagecache-curator-{name}")
        signal.connect(
            branding_changed, sender=RegionBranding, dispatch_uid=f"pagecache-branding-{name}"
        )
        signal.connect(pilot_changed, sender=Pilot, dispatch_uid=f"pagecache-pilot-{name}")
        for model in (
            ServiceCategory,
            ServiceStandard,
            LifeSituation,
            Region,
            Site,
            get_image_model(),
            get_document_model(),
        ):
            signal.connect(
                shown_everywhere,
                sender=model,
                dispatch_uid=f"pagecache-{model._meta.label_lower}-{name}",
            )
