"""The reviewer queue, pilot launch and the admin home panels."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from constructor.applications.submission import submit_draft
from constructor.review.pilot import pilot_url
from constructor.services.catalog import _live_services as live_services
from tests.applications.conftest import citizen, citizen_factory, form_service  # noqa: F401
from tests.review.test_workflow import action_url, submit


@pytest.fixture
def waiting_service(client, editor, draft_service, submit_data):
    submit(client, editor, draft_service, submit_data(draft_service))
    return draft_service


def test_reviewer_queue_lists_pages_with_region_score_and_waiting_time(
    client, reviewer, region, waiting_service
):
    client.force_login(reviewer)
    response = client.get(reverse("review_queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert waiting_service.title in html and region.name in html
    (item,) = response.context["items"]
    assert item.region == region and item.score == 100 and item.waiting.total_seconds() >= 0
    assert "<time datetime=" in html


def test_queue_is_refused_to_regional_staff(client, editor, waiting_service):
    client.force_login(editor)
    response = client.get(reverse("review_queue"))
    assert response.status_code in (302, 403)


def test_queue_queries_do_not_grow_with_its_length(
    client, editor, reviewer, region, category, review_standard, submit_data
):
    from constructor.registry.models import ServiceStandard
    from constructor.services.models import ServicePage

    def add_and_submit(number):
        standard = ServiceStandard.objects.get(pk=review_standard.pk)
        standard.pk, standard.code = None, f"10000001{number:02d}"
        standard.save()
        page = ServicePage(
            title=f"Пособие {number}",
            slug=f"posobie-{number}",
            service_code=standard.code,
            code_level="federal",
            category=category,
            agency="Социальный фонд России",
            summary="Пособие.",
            registry_entry=standard,
            live=False,
        )
        region.home_page.add_child(instance=page)
        submit(client, editor, page, submit_data(page, standard=standard))

    add_and_submit(1)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("review_queue"))
    for number in range(2, 6):
        add_and_submit(number)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("review_queue"))
    assert len(response.context["items"]) == 5
    assert len(five) == len(one)


def approve(client, reviewer, page, state):
    client.force_login(reviewer)
    client.post(action_url(page, "approve", state), {"comment": ""})


def test_pilot_is_reachable_only_with_its_link_until_promoted(
    client, editor, reviewer, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    client.force_login(reviewer)
    pilot_admin = reverse("review_pilot", args=[draft_service.pk])
    client.post(pilot_admin, {"action": "start"})
    approve(client, reviewer, draft_service, state)
    draft_service.refresh_from_db()
    assert draft_service.live
    assert draft_service.pk not in [page.pk for page in live_services()]

    site = draft_service.get_site()
    public = client.__class__(HTTP_HOST=f"{site.hostname}:{site.port}")
    assert public.get(draft_service.url).status_code == 404
    wrong = public.get(draft_service.url, {"pilot": "wrong-token"})
    assert wrong.status_code == 404
    assert "pilot link is not valid" in wrong.content.decode() or "пилот" in (
        wrong.content.decode().lower()
    )
    link = pilot_url(draft_service.pilot)
    opened = public.get(link)
    assert opened.status_code == 200
    assert 'class="notice notice--pilot"' in opened.content.decode()
    # The token stays in the session: the next visit needs no link.
    assert public.get(draft_service.url).status_code == 200

    client.force_login(reviewer)
    client.post(pilot_admin, {"action": "promote"})
    anyone = client.__class__(HTTP_HOST=f"{site.hostname}:{site.port}")
    response = anyone.get(draft_service.url)
    assert response.status_code == 200
    assert 'class="notice notice--pilot"' not in response.content.decode()
    assert draft_service.pk in [page.pk for page in live_services()]


def test_regional_staff_cannot_start_or_promote_a_pilot(client, editor, draft_service):
    client.force_login(editor)
    response = client.post(reverse("review_pilot", args=[draft_service.pk]), {"action": "start"})
    assert response.status_code in (302, 403)
    assert not hasattr(Page.objects.get(pk=draft_service.pk).specific, "pilot_set")
    from constructor.review.models import Pilot

    assert not Pilot.objects.exists()


def test_applications_to_a_pilot_are_flagged(reviewer, form_service, citizen):  # noqa: F811
    from constructor.review.pilot import start_pilot

    pilot = start_pilot(form_service, reviewer)
    citizen.client.get(pilot_url(pilot))  # a pilot's form opens only through its link
    application = submit_draft(citizen.filled_draft())
    assert application.pilot


def test_admin_home_shows_the_editor_services_and_the_reviewer_queue(
    client, editor, reviewer, waiting_service
):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="my-services-heading"' in html and waiting_service.title in html
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="review-queue-heading"' in html and waiting_service.title in html
