"""The citizen's status link: signed, valid for a limited time, renewed by e-mail.

The link names the application by its uuid, signed with the site's secret
(``django.core.signing``), so a guessed or edited link opens nothing and no login is needed.
The signature also records when the link was issued, and the link works for
``STATUS_LINK_LIFETIME_DAYS`` from then: a link forwarded once or left in an old mailbox stops
showing the application. Every receipt page and every e-mail issues a fresh link and says until
when it works. Links issued before the lifetime existed have the same format and their own
issue time, so they keep working until their lifetime ends.

An expired link is still genuine, so its page can ask for a new one. The new link goes only
to the e-mail address the application holds: whoever holds an old link gets nothing new
without the citizen's mailbox. One new link per application per ``STATUS_LINK_RESEND_SECONDS``,
counted in the application's row so every app server sees the same count.
"""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from constructor.applications.models import Application

STATUS_SALT = "constructor.applications.status"


def link_lifetime():
    return datetime.timedelta(days=settings.STATUS_LINK_LIFETIME_DAYS)


def link_expires_at():
    """When a link issued now stops working (taken before signing, so never later than that)."""
    return timezone.now() + link_lifetime()


def status_token(application):
    """A signed, timestamped token naming the application: the citizen's link, no login."""
    return signing.dumps({"application": str(application.uuid)}, salt=STATUS_SALT, compress=True)


def status_path(application):
    return reverse("applications:status", args=[status_token(application)])


def status_url(application, request=None):
    """The absolute status link: on the request's host, else on the service's own site."""
    path = status_path(application)
    if request is not None:
        return request.build_absolute_uri(path)
    site = application.page.get_site()
    root = site.root_url if site else settings.WAGTAILADMIN_BASE_URL
    return root.rstrip("/") + path


@dataclass(frozen=True)
class StatusLink:
    application: Application
    expired: bool


def read_status_link(token):
    """The application a link names and whether the link has expired; None if it is gone.

    Raises ``signing.BadSignature`` for a link that was forged or altered.
    """
    try:
        payload = signing.loads(token, salt=STATUS_SALT, max_age=link_lifetime())
        expired = False
    except signing.SignatureExpired:
        payload = signing.loads(token, salt=STATUS_SALT)
        expired = True
    application = (
        Application.objects.select_related("page", "region", "form_version")
        .filter(uuid=payload.get("application"))
        .first()
    )
    return StatusLink(application, expired) if application is not None else None


def resend_interval():
    return datetime.timedelta(seconds=settings.STATUS_LINK_RESEND_SECONDS)


def reserve_resend(application):
    """Take the one new-link e-mail the application may have now: 0, or seconds to wait.

    A single conditional UPDATE, so two requests at once cannot both send.
    """
    now = timezone.now()
    interval = resend_interval()
    free = Q(status_link_sent_at__isnull=True) | Q(status_link_sent_at__lte=now - interval)
    if Application.objects.filter(free, pk=application.pk).update(status_link_sent_at=now):
        application.status_link_sent_at = now
        return 0
    sent_at = (
        Application.objects.filter(pk=application.pk)
        .values_list("status_link_sent_at", flat=True)
        .first()
    )
    left = (sent_at + interval - now) if sent_at else interval
    return max(1, math.ceil(left.total_seconds()))


def release_resend(application):
    """Give the reservation back when the e-mail did not go out, so the citizen may retry."""
    Application.objects.filter(
        pk=application.pk, status_link_sent_at=application.status_link_sent_at
    ).update(status_link_sent_at=None)
