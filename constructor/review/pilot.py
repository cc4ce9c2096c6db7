"""Pilot launch: a live service reachable only with its pilot link, until a reviewer promotes it.

A pilot page carries a password view restriction whose password is the link's token: Wagtail's
``public()`` then keeps it out of the catalogue, search and sitemaps with no change there, and
``serve_pilot`` (a ``before_serve_page`` hook, run before Wagtail's restriction check) lets in
whoever holds the token. The token is kept in the session, so the wizard's later steps need no link.
"""

import secrets

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from wagtail.log_actions import log
from wagtail.models import PageViewRestriction

from constructor.review.models import Pilot

TOKEN_PARAMETER = "pilot"  # noqa: S105 (a query parameter name, not a secret)


def session_key(page_id):
    return f"pilot-token-{page_id}"


def pilot_url(pilot):
    return f"{pilot.page.url}?{TOKEN_PARAMETER}={pilot.token}"


def active_pilot(page_id):
    return Pilot.objects.filter(page_id=page_id, promoted_at__isnull=True).first()


def start_pilot(page, user):
    pilot, created = Pilot.objects.get_or_create(
        page=page, defaults={"token": secrets.token_urlsafe(24), "started_by": user}
    )
    if not created and pilot.promoted_at is not None:
        return pilot  # promoted services stay public
    PageViewRestriction.objects.get_or_create(
        page=page,
        restriction_type=PageViewRestriction.PASSWORD,
        defaults={"password": pilot.token},
    )
    if created:
        log(instance=page, action="review.pilot_start", user=user)
    return pilot


def promote_pilot(page, user):
    pilot = active_pilot(page.pk)
    if pilot is None:
        return None
    PageViewRestriction.objects.filter(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=pilot.token
    ).delete()
    pilot.promoted_at, pilot.promoted_by = timezone.now(), user
    pilot.save(update_fields=["promoted_at", "promoted_by"])
    log(instance=page, action="review.pilot_promote", user=user)
    return pilot


def holds_token(request, pilot):
    token = request.GET.get(TOKEN_PARAMETER) or request.session.get(session_key(pilot.page_id))
    return bool(token) and constant_time_compare(token, pilot.token)


def serve_pilot(page, request, serve_args, serve_kwargs):
    pilot = active_pilot(page.pk)
    if pilot is None:
        return None
    if not holds_token(request, pilot):
        return TemplateResponse(
            request, "review/pilot_link_invalid.html", {"page": page}, status=404
        )
    request.session[session_key(page.pk)] = pilot.token
    request.pilot = pilot
    return page.serve(request, *serve_args, **serve_kwargs)


def is_pilot_page(page_id):
    """Whether applications to this page are pilot applications."""
    return Pilot.objects.filter(page_id=page_id, promoted_at__isnull=True).exists()
