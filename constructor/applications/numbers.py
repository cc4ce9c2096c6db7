"""Human-readable application numbers: ``<subject code>-<year>-<sequence>``, e.g. 40-2026-000123.

The sequence lives in one counter row per region and year, taken with one statement: an
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` that creates the year's row or increments
it. Inside the submission's transaction it holds the row lock on PostgreSQL (the transaction's
write lock on SQLite, 3.35 or later for RETURNING) until commit, so two applications never get
the same number, and a rolled-back submission gives its number back.
"""

import re

from django.db import connection, transaction

from constructor.applications.models import ApplicationNumberCounter

# What allocate_number gives: two-digit subject code, year, a sequence of at least six digits
# (the number column holds 20 characters).
NUMBER_SHAPE = re.compile(r"[0-9]{2}-[0-9]{4}-[0-9]{6,12}")


def is_application_number(text):
    """True when ``text`` has the shape of an application number (it may still not exist)."""
    return bool(NUMBER_SHAPE.fullmatch(text))


def allocate_number(region, year):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside the submission's transaction")
    meta = ApplicationNumberCounter._meta
    table = connection.ops.quote_name(meta.db_table)
    region_column = connection.ops.quote_name(meta.get_field("region").column)
    year_column = connection.ops.quote_name(meta.get_field("year").column)
    last = connection.ops.quote_name(meta.get_field("last").column)
    # Only quoted names from the model's meta go into the text; the values are parameters.
    upsert = " ".join(
        [
            f"INSERT INTO {table} ({region_column}, {year_column}, {last}) VALUES (%s, %s, 1)",  # noqa: S608
            f"ON CONFLICT ({region_column}, {year_column})",
            f"DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(upsert, [region.pk, year])
        (sequence,) = cursor.fetchone()
    return f"{region.code}-{year}-{sequence:06d}"
