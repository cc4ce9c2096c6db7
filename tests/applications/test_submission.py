"""Submission: numbered once, encrypted at rest, same application for the same draft."""

import threading

import pytest
from django.db import connection, connections

from constructor.applications.models import Application, ApplicationDraft
from constructor.applications.numbers import allocate_number
from constructor.applications.submission import IncompleteDraft, submit_draft

PLAINTEXT = ["Иванова", "11223344595", "+79101234567", "паспорт.png", "Маша"]


def test_submitting_the_same_draft_twice_returns_the_same_application(citizen):
    citizen.fill_all()
    draft = citizen.draft()
    first = submit_draft(draft)
    second = submit_draft(ApplicationDraft.objects.get(pk=draft.pk))
    assert first.pk == second.pk
    assert Application.objects.count() == 1


def test_an_unfinished_draft_is_not_submitted(citizen):
    citizen.fill_all(skip=("consent",))
    with pytest.raises(IncompleteDraft) as error:
        submit_draft(citizen.draft())
    assert error.value.step == "consent"
    assert not Application.objects.exists()


def test_the_database_holds_no_plaintext_answers(citizen):
    citizen.fill_all()
    submit_draft(citizen.draft())
    for table in ("applications_application", "applications_applicationdraft"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            rows = cursor.fetchall()
        assert rows
        dump = repr(rows)
        for value in PLAINTEXT:
            assert value not in dump
            for row in rows:
                for column in row:
                    if isinstance(column, bytes | memoryview):
                        assert value.encode() not in bytes(column)


def test_numbers_count_per_region_and_year(db, region, other_region):
    from django.db import transaction

    with transaction.atomic():
        numbers = [allocate_number(region, 2026) for _ in range(3)]
        numbers.append(allocate_number(other_region, 2026))
        numbers.append(allocate_number(region, 2027))
    assert numbers == [
        "40-2026-000001",
        "40-2026-000002",
        "40-2026-000003",
        "71-2026-000001",
        "40-2027-000001",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_distinct_numbers(form_service, citizen_factory):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer, so only PostgreSQL shows a race")
    drafts = [citizen_factory().filled_draft() for _ in range(8)]
    barrier = threading.Barrier(len(drafts))
    numbers, errors = [], []

    def submit(draft):
        try:
            barrier.wait()
            numbers.append(submit_draft(draft).number)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(numbers)) == len(drafts)
    assert sorted(numbers) == [f"40-{numbers[0][3:7]}-{n:06d}" for n in range(1, 9)]
