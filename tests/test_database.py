"""The suite runs on the database DATABASE_URL names, so the PostgreSQL pass cannot be SQLite."""

import os
from urllib.parse import urlsplit

from django.db import connection

VENDOR_BY_SCHEME = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql"}


def test_tests_run_on_the_database_that_database_url_names(db):
    scheme = urlsplit(os.environ.get("DATABASE_URL", "sqlite:///")).scheme
    assert connection.vendor == VENDOR_BY_SCHEME[scheme]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
