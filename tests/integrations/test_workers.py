"""Several task workers deliver side by side, and the agency sees each application once.

Production scales delivery out by running more ``manage.py db_worker`` processes on one
PostgreSQL database (docs/INTEGRATION.md, "Many workers"). Here four workers, django-tasks-db's
own ``Worker`` in four threads with a connection each, empty one queue of deliveries to one
agency simulator that takes a moment to answer. Two locks keep it exactly once: the task row is
taken with ``SELECT ... FOR UPDATE SKIP LOCKED``, and the delivery row with a conditional UPDATE
that takes its lease; whichever a worker loses, it moves on to the next one.
"""

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from constructor.applications.models import Application
from constructor.applications.submission import submit_draft
from constructor.formbuilder.models import live_form_version
from constructor.integrations.models import Delivery, DeliveryAttempt
from tests.integrations.test_delivery import (
    CODE,
    filled_draft,
    make_delivering_service,
    make_integration,
    run_db_workers,
    simulator_for,
)

WORKERS = 4
APPLICATIONS = 40
AGENCY_MS = 50


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_workers_deliver_every_application_exactly_once(region, category, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer, so only PostgreSQL shows a race")
    settings.DELIVERY_MAX_ATTEMPTS = 1  # a second attempt at anything would fail it visibly
    posts = []
    with simulator_for(log=posts.append) as agency:
        agency.set_switches(delay_ms=AGENCY_MS)
        page = make_delivering_service(
            region, category, make_integration(f"{agency.url}/{CODE}/", timeout_seconds=10)
        )
        version = live_form_version(page)
        applications = [submit_draft(filled_draft(page, version)) for _ in range(APPLICATIONS)]

        errors = run_db_workers(WORKERS, backend="delivery")
        assert not errors, errors

        stored = agency.store.all()

    numbers = sorted(application.number for application in applications)
    # The agency: one POST per application, each stored, none a replay.
    delivery_posts = [line for line in posts if f'"POST /{CODE}/"' in line]
    assert len(delivery_posts) == APPLICATIONS, delivery_posts
    assert not [line for line in delivery_posts if "replay" in line]
    assert sorted(record.application_number for record in stored) == numbers
    # Our side: each delivery delivered at its first attempt, each attempt recorded once.
    deliveries = Delivery.objects.filter(application__in=applications)
    assert sorted(deliveries.values_list("status", flat=True)) == ["delivered"] * APPLICATIONS
    assert set(deliveries.values_list("attempts", flat=True)) == {1}
    assert DeliveryAttempt.objects.filter(delivery__in=deliveries).count() == APPLICATIONS
    assert set(
        Application.objects.filter(pk__in=[a.pk for a in applications]).values_list(
            "status", flat=True
        )
    ) == {"delivered"}
    # And the work was shared: more than one worker ran deliveries.
    ran_by = set()
    for worker_ids in DBTaskResult.objects.filter(backend_name="delivery").values_list(
        "worker_ids", flat=True
    ):
        ran_by.update(worker_ids)
    assert len(ran_by) > 1, ran_by
