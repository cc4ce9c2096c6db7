"""Telling a region's officials that an application could not be delivered to its agency.

A failed delivery waits for a person: the automatic attempts are spent, or the agency refused
the application. The officials who handle the region's applications (its editors' and
moderators' groups, ``sites.permissions.region_staff``) each get an e-mail, sent after the
failure commits (``delivery.finish`` schedules it), saying what happened and where to press
"Retry delivery". A mail outage is logged and changes nothing: the deliveries screen lists
failed deliveries first, with a count at the top.
"""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from constructor.integrations.models import Delivery, DeliveryStatus
from sites.permissions import region_staff

logger = logging.getLogger(__name__)


def delivery_url(delivery):
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("deliveries_admin_detail", args=[delivery.pk])


def tell_officials(delivery_id):
    """E-mail the region's officials about a failed delivery; returns how many were sent."""
    delivery = (
        Delivery.objects.select_related(
            "application__page", "application__region", "integration__agency"
        )
        .filter(pk=delivery_id, status=DeliveryStatus.FAILED)
        .first()
    )
    if delivery is None:  # retried meanwhile
        return 0
    addresses = sorted(
        set(
            region_staff(delivery.application.region)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not addresses:
        logger.warning(
            "Delivery %s failed and no official of the region has an e-mail address", delivery.pk
        )
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose(delivery)
    try:
        return send_mass_mail([(subject, body, None, [address]) for address in addresses])
    except Exception as error:  # the failure stands and is on the deliveries screen
        logger.error(
            "Could not e-mail the officials about delivery %s (%s)",
            delivery.pk,
            type(error).__name__,
        )
        return 0


def compose(delivery):
    """The subject and plain-text body of the e-mail about a failed delivery."""
    application = delivery.application
    subject = _("Application %(number)s was not delivered to the agency") % {
        "number": application.number
    }
    lines = [
        _("Hello!"),
        "",
        ngettext(
            "Application %(number)s for the service «%(service)s» could not be sent to the "
            "agency system «%(integration)s» (%(count)s attempt).",
            "Application %(number)s for the service «%(service)s» could not be sent to the "
            "agency system «%(integration)s» (%(count)s attempts).",
            delivery.attempts,
        )
        % {
            "number": application.number,
            "service": application.page.title,
            "integration": delivery.integration,
            "count": delivery.attempts,
        },
        _("Reason: %(error)s") % {"error": delivery.last_error},
        "",
        _(
            "The application is kept and nothing is lost. Once the cause is fixed (for "
            "example, the agency system is available again), open the delivery and press "
            "«Retry delivery»: the agency will not register it twice."
        ),
        delivery_url(delivery),
        "",
        _("This message was sent automatically. Please do not reply to it."),
    ]
    return subject, "\n".join(lines) + "\n"
