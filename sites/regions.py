"""Creating a region in one step: site, page tree root, collection, staff groups, permissions.

``create_region`` is idempotent: run again with the same slug, it repairs whatever is missing
and changes nothing that is already right. The management command and the demo loader use it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from sites.models import Region, RegionBranding, RegionHomePage, hostname_label_validator
from sites.signals import region_ready

# No publish_page: a region's pages go live only through the review workflow
# (constructor.review.workflow), which also revokes it from groups made before.
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MODERATOR_PAGE_PERMISSIONS = EDITOR_PAGE_PERMISSIONS + ["lock_page", "unlock_page", "delete_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
# Model-level rights every regional official needs; the snippet views narrow curators to the region.
STAFF_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("services", "add_curator"),
    ("services", "change_curator"),
    ("services", "view_curator"),
    # The federal registry: regional staff read it and create services from it, never change it.
    ("registry", "view_servicestandard"),
    ("registry", "view_lifesituation"),
]
# Granted per site, not per model: a moderator edits the branding of their own site only.
MODERATOR_SITE_PERMISSIONS = [("regions", "change_regionbranding")]


@dataclass
class RegionResult:
    region: Region
    created: bool


def region_hostname(slug):
    return f"{slug}.{settings.REGION_HOST_SUFFIX}"


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_page_permissions(group, page, codenames):
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )


def _grant_collection_permissions(group, collection):
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )


def _home_page(name, slug):
    existing = RegionHomePage.objects.filter(slug=slug).first()
    if existing:
        return existing
    intro = _("Apply online for public services of the region: %(region)s.") % {"region": name}
    home = RegionHomePage(
        title=_("Public services: %(region)s") % {"region": name},
        slug=slug,
        intro=f"<p>{intro}</p>",
    )
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    return home


@transaction.atomic
def create_region(name, slug, code, *, port=None):
    """Create (or complete) a region and all it needs; say whether it is new."""
    slug = (slug or "").strip().lower()
    try:
        hostname_label_validator(slug)
    except ValidationError as error:
        raise ValidationError({"slug": error}) from None
    port = port or settings.PUBLIC_PORT

    region = Region.objects.filter(slug=slug).first()
    created = region is None
    home = region.site.root_page.specific if region else _home_page(name, slug)

    site, _site_created = Site.objects.get_or_create(
        hostname=region_hostname(slug),
        port=port,
        defaults={"root_page": home, "site_name": name},
    )
    if site.root_page_id != home.pk or site.site_name != name:
        site.root_page, site.site_name = home, name
        site.save()

    root_collection = Collection.get_first_root_node()
    collection = region.collection if region else None
    if collection is None:
        collection = next(
            (c for c in root_collection.get_children() if c.name == name), None
        ) or root_collection.add_child(name=name)

    # Group names are looked up only when the region is new: a rename or another UI
    # language later must not make a second pair of groups.
    if region is not None:
        editors, moderators = region.editors, region.moderators
    else:
        editors, _e = Group.objects.get_or_create(name=_("%(region)s: editors") % {"region": name})
        moderators, _m = Group.objects.get_or_create(
            name=_("%(region)s: moderators") % {"region": name}
        )

    if region is None:
        region = Region(name=name, slug=slug, code=code)
    region.name, region.code = name, code
    region.site, region.collection = site, collection
    region.editors, region.moderators = editors, moderators
    region.full_clean()
    region.save()

    _grant_page_permissions(editors, home, EDITOR_PAGE_PERMISSIONS)
    _grant_page_permissions(moderators, home, MODERATOR_PAGE_PERMISSIONS)
    for group in (editors, moderators):
        _grant_collection_permissions(group, collection)
        group.permissions.add(*(_permission(a, c) for a, c in STAFF_MODEL_PERMISSIONS))
    for app_label, codename in MODERATOR_SITE_PERMISSIONS:
        GroupSitePermission.objects.get_or_create(
            group=moderators, site=site, permission=_permission(app_label, codename)
        )

    region_ready.send(sender=Region, region=region)

    branding = RegionBranding.for_site(site)
    if branding.display_name == RegionBranding._meta.get_field("display_name").default:
        branding.display_name = name
        branding.save()
    return RegionResult(region=region, created=created)
