"""Create from standard: a regional official starts a service page from a registry entry.

The new page is a draft under the region's home page, pre-filled from the entry (title, code,
level, category, agency, summary, the standard's default landing content and its reference
application: the form, the integration and the mapping, which the standard's own save has
already proven); the official lands in the page editor and adapts only what is regional.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from constructor.formbuilder.keys import slug_from_title
from constructor.registry.forms import CreateFromStandardForm
from constructor.registry.models import ServiceStandard
from sites.models import Region
from sites.permissions import regions_for_user


def regions_user_can_add_services_to(user):
    regions = regions_for_user(user).select_related("site__root_page")
    allowed = [
        region.pk
        for region in regions
        if region.site.root_page.permissions_for_user(user).can_add_subpage()
    ]
    return Region.objects.filter(pk__in=allowed)


def standards_for_regions(regions):
    return (
        ServiceStandard.objects.filter(Q(region__isnull=True) | Q(region__in=regions))
        .select_related("category", "region")
        .order_by("code")
    )


def _unique_slug(home, base):
    taken = set(home.get_children().values_list("slug", flat=True))
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _new_blocks(stream):
    """A copy of a stream's blocks without their ids: the page's blocks get ids of their own."""
    return [{"type": block["type"], "value": block["value"]} for block in stream.raw_data]


def _body_for_region(standard, region):
    """The standard's default content as new blocks; a curator of another region is dropped."""
    from constructor.services.models import Curator

    body = []
    for block in _new_blocks(standard.default_body):
        value = block["value"]
        if (
            block["type"] == "curator"
            and value.get("curator")
            and not Curator.objects.filter(pk=value["curator"], region=region).exists()
        ):
            block = {**block, "value": {**value, "curator": None}}
        body.append(block)
    return body


@transaction.atomic
def create_service_page(standard, region, user):
    from constructor.services.models import ServicePage

    home = region.home_page
    page = ServicePage(
        title=standard.title,
        slug=_unique_slug(home, slug_from_title(standard.title) or f"service-{standard.code}"),
        service_code=standard.code,
        code_level=standard.level,
        category=standard.category,
        agency=standard.agency,
        summary=standard.summary,
        registry_entry=standard,
        body=_body_for_region(standard, region),
        application_form=_new_blocks(standard.application_form),
        integration=standard.integration,
        payload_mapping=_new_blocks(standard.payload_mapping),
        live=False,
        owner=user,
    )
    home.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    log(
        instance=page,
        action="review.create_from_standard",
        user=user,
        data={"code": standard.code, "standard": standard.title},
    )
    return page


def create_from_standard(request):
    regions = regions_user_can_add_services_to(request.user)
    if not regions.exists():
        raise PermissionDenied
    form = CreateFromStandardForm(
        request.POST or None, standards=standards_for_regions(regions), regions=regions
    )
    if request.method == "POST" and form.is_valid():
        page = create_service_page(
            form.cleaned_data["standard"], form.cleaned_data["region"], request.user
        )
        messages.success(
            request,
            _("Draft «%(title)s» created from the standard. Adapt it to the region.")
            % {"title": page.title},
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return TemplateResponse(
        request,
        "registry/create_from_standard.html",
        {
            "form": form,
            "page_title": _("Create a service from a standard"),
            "header_title": _("Create a service from a standard"),
            "header_icon": "doc-empty-inverse",
        },
    )
