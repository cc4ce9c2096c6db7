"""The citizen's status page behind the signed link, and what a link that no longer opens shows.

A genuine link opens the page on its region's site. An expired one shows a page that offers a
new link by e-mail (status_links.py) and tells no more than the link did: the number, the
service and a masked address. A forged, altered or foreign link gets a friendly 404.
"""

import math

from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.models import Site

from constructor.applications.delivery_notice import citizen_delivery_notice
from constructor.applications.notifications import citizen_email, masked_email, send_status_link
from constructor.applications.status_links import (
    link_expires_at,
    read_status_link,
    release_resend,
    reserve_resend,
)
from constructor.applications.statuses import timeline
from constructor.applications.views import private


def status_link_for(request, token):
    """The link's application, if genuine and opened on its region's site; else None."""
    try:
        link = read_status_link(token)
    except signing.BadSignature:
        return None
    site = Site.find_for_request(request)
    region = getattr(site, "region", None) if site else None
    if link is None or region is None or region.pk != link.application.region_id:
        return None
    return link


def status(request, token):
    """The citizen's status page behind the signed link from the receipt and the e-mails."""
    link = status_link_for(request, token)
    if link is None:
        return status_link_failed(request)
    application = link.application
    if link.expired:
        return status_link_expired(request, token, application)
    return private(
        render(
            request,
            "applications/status.html",
            {
                "page": application.page,
                "application": application,
                "timeline": timeline(application),
                "delivery_notice": citizen_delivery_notice(application),
            },
        )
    )


@require_POST
def renew_status_link(request, token):
    """Send a new status link to the application's e-mail address, asked from an expired one.

    Nothing in the request body is read: the signed link says which application, and the
    address is the one the application holds.
    """
    link = status_link_for(request, token)
    if link is None:
        return status_link_failed(request)
    if not link.expired:
        return redirect("applications:status", token)
    application = link.application
    address = citizen_email(application)
    if not address:
        return status_link_expired(request, token, application)
    wait = reserve_resend(application)
    if wait:
        minutes = math.ceil(wait / 60)
        problem = ngettext(
            "We have just sent a new link. Check your mail, including the «Spam» folder. "
            "You can ask for another one in %(minutes)d minute.",
            "We have just sent a new link. Check your mail, including the «Spam» folder. "
            "You can ask for another one in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        return status_link_expired(request, token, application, problem, status=429)
    expires = link_expires_at()
    if not send_status_link(application, address):
        release_resend(application)
        problem = _("We could not send the e-mail just now. Please try again in a few minutes.")
        return status_link_expired(request, token, application, problem, status=503)
    return private(
        render(
            request,
            "applications/status_link_sent.html",
            {
                "page": application.page,
                "application": application,
                "address": masked_email(address),
                "expires": expires,
            },
        )
    )


def status_link_expired(request, token, application, problem="", status=200):
    """A genuine link past its lifetime: a page that offers a new one, not an error."""
    address = citizen_email(application)
    return private(
        render(
            request,
            "applications/status_link_expired.html",
            {
                "page": application.page,
                "application": application,
                "token": token,
                "address": masked_email(address) if address else "",
                "problems": [{"message": problem}] if problem else [],
            },
            status=status,
        )
    )


def status_link_failed(request):
    """A forged, altered or foreign link: a 404 that says what to do next."""
    return private(render(request, "applications/status_link_failed.html", status=404))
