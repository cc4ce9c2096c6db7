"""Russian-aware formatting and navigation helpers for the public templates.

Formatting lives here rather than in the templates so that plural forms, money and
phone links are written once and every block renders them the same way.
"""

import re
from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blocks.landing import ACT_KINDS, CHANNEL_CHOICES
from sites.models import portal_root_url

register = template.Library()

NBSP = "\u00a0"
# Blocks that open the page or sit inside the text flow are not sections worth a contents entry.
TOC_EXCLUDED_BLOCKS = {"hero", "rich_text", "callout", "document_download"}


@register.filter
def days(count, kind="working"):
    """``7|days:"working"`` -> "7 рабочих дней" with the right Russian plural."""
    try:
        count = int(count)
    except (TypeError, ValueError):
        return ""
    if kind == "calendar":
        text = ngettext("%(count)d calendar day", "%(count)d calendar days", count)
    else:
        text = ngettext("%(count)d working day", "%(count)d working days", count)
    return (text % {"count": count}).replace(" ", NBSP, 1)


def _group_thousands(digits):
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NBSP.join(groups)


@register.filter
def money(amount):
    """Roubles the Russian way: ``1300`` -> "1 300 ₽", ``350.5`` -> "350,50 ₽", ``0`` -> free."""
    try:
        amount = Decimal(amount)
    except (TypeError, ValueError, InvalidOperation):
        return ""
    if amount == 0:
        return _("Free")
    whole, _dot, fraction = f"{amount.quantize(Decimal('0.01')):f}".partition(".")
    text = _group_thousands(whole)
    if fraction.strip("0"):
        text = f"{text},{fraction}"
    return f"{text}{NBSP}₽"


@register.filter
def tel_href(phone):
    """A ``tel:`` link target: "8 (4842) 00-00-00" -> "tel:+74842000000"."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    if len(digits) == 10:
        digits = "7" + digits
    return f"tel:+{digits}"


@register.filter
def document_meta(document):
    """Format and size of a Wagtail document: "PDF, 120 КБ"."""
    if not document:
        return ""
    parts = []
    if document.file_extension:
        parts.append(document.file_extension.upper())
    try:
        size = document.get_file_size()
    except OSError:
        size = None
    if size:
        parts.append(filesizeformat(size))
    return ", ".join(parts)


@register.filter
def channel_label(kind):
    return dict(CHANNEL_CHOICES).get(kind, kind)


@register.filter
def act_kind_label(kind):
    return dict(ACT_KINDS).get(kind, kind)


def block_anchor(block):
    """The id of a landing block's heading, stable while the block exists."""
    return f"section-{block.id}" if block.id else ""


@register.simple_tag
def anchor_for(block):
    return block_anchor(block)


@register.simple_tag
def landing_contents(body):
    """The "on this page" entries: (anchor, heading) of every titled section of a landing."""
    entries = []
    for block in body or ():
        if block.block_type in TOC_EXCLUDED_BLOCKS:
            continue
        heading = getattr(block.value, "get", lambda key: None)("heading")
        if heading and block.id:
            entries.append({"anchor": block_anchor(block), "heading": heading})
    return entries


@register.simple_tag(takes_context=True)
def hero_cta_url(context, value):
    """The hero's button target: the editor's link, else the steps section of this page."""
    if value.get("cta_url"):
        return value["cta_url"]
    page = context.get("page")
    for block in getattr(page, "body", None) or ():
        if block.block_type in ("steps", "channels") and block.id:
            return f"#{block_anchor(block)}"
    return "#main-content"


@register.simple_tag
def portal_home_url():
    """Full address of the federal portal (the default site), for breadcrumbs and the footer."""
    return portal_root_url()


@register.simple_tag(takes_context=True)
def category_url(context, home, category):
    """URL of a category on a region's home page (its ``category/<slug>/`` route)."""
    home = getattr(home, "specific_deferred", home)
    request = context.get("request")
    base = home.get_url(request=request) or "/"
    if not base.endswith("/"):
        base += "/"
    return base + home.reverse_subpage("category", args=[category.slug])


@register.filter
def brought_by_applicant(documents):
    return [document for document in documents or () if not document.get("obtained_by_agency")]


@register.filter
def obtained_by_agency(documents):
    return [document for document in documents or () if document.get("obtained_by_agency")]
