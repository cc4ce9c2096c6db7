"""What the citizen is told about the transfer of their application to the agency.

Sending is our plumbing (constructor/integrations/delivery/attempts.py): retries, failures and the
agency's error messages are technical states for officials (DOMAIN.md), never shown to the
citizen. What the citizen does need to know is that the transfer is held up, so that an
application that still says «Отправлено» days later is not a mystery, and that there is nothing
for them to do: officials see every failed delivery and send it again.

This is the one place that reads a ``Delivery`` for the citizen's pages (receipt and status page):
when the delivery's failure handling changes, the states that count as delayed change here.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from constructor.applications.models import ApplicationStatus
from constructor.integrations.models import Delivery, DeliveryStatus

# The first attempts failing is routine (the agency's system restarts, a moment's network
# trouble) and the next retry, seconds later, usually lands: the citizen is told only once a
# pending delivery has used this many attempts, or is older than this.
DELAYED_AFTER_ATTEMPTS = 3
DELAYED_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class CitizenNotice:
    title: str
    text: str


TRANSFER_DELAYED = CitizenNotice(
    title=_("The transfer of your application to the agency is delayed"),
    text=_(
        "You do not need to do anything: we will send it automatically and let you know "
        "when the agency accepts it. Your application number stays the same."
    ),
)


def citizen_delivery_notice(application, now=None):
    """The notice about the delivery for the citizen's pages, or None when all is well.

    Only while the application is still «Отправлено»: once the agency reports a status, that
    status speaks for itself, whatever our delivery record says.
    """
    if application.status != ApplicationStatus.SUBMITTED:
        return None
    delivery = (
        Delivery.objects.filter(application_id=application.pk)
        .only("status", "attempts", "created_at")
        .first()
    )
    if delivery is None or not transfer_delayed(delivery, now or timezone.now()):
        return None
    return TRANSFER_DELAYED


def transfer_delayed(delivery, now):
    if delivery.status == DeliveryStatus.FAILED:
        return True
    if delivery.status != DeliveryStatus.PENDING:
        return False
    return delivery.attempts >= DELAYED_AFTER_ATTEMPTS or now - delivery.created_at > DELAYED_AFTER
