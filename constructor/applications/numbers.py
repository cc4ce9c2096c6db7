"""Human-readable application numbers: ``<subject code>-<year>-<sequence>``, e.g. 40-2026-000123.

The sequence lives in one counter row per region and year. Taking it under
``select_for_update`` inside the submission's transaction serialises concurrent submitters on
PostgreSQL (row lock) and on SQLite (the transaction's write lock), so two applications never
get the same number, and a rolled-back submission gives its number back.
"""

from django.db import transaction

from constructor.applications.models import ApplicationNumberCounter


def allocate_number(region, year):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside the submission's transaction")
    counters = ApplicationNumberCounter.objects.select_for_update()
    try:
        counter = counters.get(region=region, year=year)
    except ApplicationNumberCounter.DoesNotExist:
        # The year's first application: two may race to create the row; the loser of the
        # unique constraint reads the winner's row, then waits for its lock like everyone.
        ApplicationNumberCounter.objects.get_or_create(region=region, year=year)
        counter = counters.get(region=region, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{region.code}-{year}-{counter.last:06d}"
