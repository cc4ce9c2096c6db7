"""What the citizen's receipt and status page say while the transfer to the agency is held up.

A failing delivery is a technical state for officials: the citizen sees no error and no agency
message, only, once the delay is real, that the transfer is delayed and nothing is needed.
"""

# ruff: noqa: F811 - the fixtures imported from statushelpers are used as arguments

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from constructor.applications.delivery_notice import (
    DELAYED_AFTER,
    DELAYED_AFTER_ATTEMPTS,
    citizen_delivery_notice,
)
from constructor.applications.drafts import SESSION_KEY
from constructor.applications.status_links import status_path
from constructor.applications.statuses import record_status
from constructor.integrations.models import Delivery, DeliveryStatus
from tests.applications.statushelpers import (  # noqa: F401 - fixtures
    integration,
    make_application,
    status_service,
)

NOTICE = "Передача заявления в ведомство задерживается"
NOTHING_TO_DO = "Делать ничего не нужно: мы отправим его автоматически"
AGENCY_ERROR = "The agency answered 503: очередь СМЭВ переполнена, код ошибки SMEV-4410"


@pytest.fixture
def application(make_application):
    return make_application()


def set_delivery(application, **fields):
    Delivery.objects.filter(application=application).update(**fields)


def delayed(application, **fields):
    if fields:
        set_delivery(application, **fields)
    return citizen_delivery_notice(application) is not None


# One state at a time ---------------------------------------------------------------------


def test_a_new_application_has_a_pending_delivery_and_no_notice(application):
    delivery = Delivery.objects.get(application=application)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert not delayed(application)


def test_the_first_failed_attempts_are_routine_and_not_shown(application):
    assert not delayed(application, attempts=DELAYED_AFTER_ATTEMPTS - 1, last_error=AGENCY_ERROR)


def test_several_failed_attempts_show_the_notice(application):
    assert delayed(application, attempts=DELAYED_AFTER_ATTEMPTS, last_error=AGENCY_ERROR)


def test_a_pending_delivery_past_its_time_shows_the_notice_even_without_attempts(application):
    # A worker that is down makes no attempts at all: the age alone says it is late.
    late = timezone.now() - DELAYED_AFTER - timedelta(minutes=1)
    assert delayed(application, created_at=late)


def test_a_pending_delivery_just_inside_its_time_shows_no_notice(application):
    recent = timezone.now() - DELAYED_AFTER + timedelta(minutes=1)
    assert not delayed(application, created_at=recent)


def test_a_failed_delivery_shows_the_notice(application):
    assert delayed(application, status=DeliveryStatus.FAILED, last_error=AGENCY_ERROR)


def test_a_delivered_application_shows_no_notice(application):
    assert not delayed(
        application,
        status=DeliveryStatus.DELIVERED,
        attempts=DELAYED_AFTER_ATTEMPTS + 5,
        delivered_at=timezone.now(),
    )


def test_once_the_agency_reports_a_status_the_delivery_record_no_longer_matters(application):
    set_delivery(application, status=DeliveryStatus.FAILED, last_error=AGENCY_ERROR)
    record_status(application, "accepted", actor="agency:kaluga-kindergarten")
    assert not delayed(application)


def test_an_application_without_an_integration_has_nothing_to_deliver(application):
    Delivery.objects.filter(application=application).delete()
    assert not delayed(application)


# The pages -------------------------------------------------------------------------------


def site_client(service):
    site = service.get_site()
    return Client(HTTP_HOST=f"{site.hostname}:{site.port}")


def status_page(application, service):
    response = site_client(service).get(status_path(application))
    assert response.status_code == 200
    return response.content.decode()


def receipt_page(application, service):
    browser = site_client(service)
    session = browser.session
    session[SESSION_KEY] = {str(service.pk): str(application.draft.pk)}
    session.save()
    response = browser.get(reverse("applications:receipt", args=[service.slug, application.number]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("page", [status_page, receipt_page], ids=["status", "receipt"])
@pytest.mark.parametrize(
    "fields",
    [
        {"status": DeliveryStatus.FAILED},
        {"attempts": DELAYED_AFTER_ATTEMPTS},
    ],
    ids=["failed", "retrying"],
)
def test_the_citizen_reads_that_the_transfer_is_delayed_never_the_error(
    application, status_service, page, fields
):
    set_delivery(application, last_error=AGENCY_ERROR, **fields)
    html = page(application, status_service)
    assert NOTICE in html
    assert NOTHING_TO_DO in html
    for technical in ("SMEV-4410", "СМЭВ", "The agency answered", "Ошибка", "Отказано"):
        assert technical not in html


@pytest.mark.parametrize("page", [status_page, receipt_page], ids=["status", "receipt"])
def test_a_delivered_application_has_no_delay_notice_on_the_citizens_pages(
    application, status_service, page
):
    set_delivery(application, status=DeliveryStatus.DELIVERED, delivered_at=timezone.now())
    record_status(application, "delivered", actor="system")
    assert NOTICE not in page(application, status_service)
