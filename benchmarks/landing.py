"""Landing page cost: SQL queries per request and render time against a minimal page.

Builds, in a throwaway SQLite database, a published service page with 30 landing blocks
(every kind, curators with photos, downloadable documents) and, as the baseline, a minimal
Wagtail page with one rich-text field. Both are requested through Django's full stack
(middleware, site routing, templates) with the test client, many times, interleaved.

Targets (issue 2): render time at most 3x the baseline's median; at most 15 queries;
queries do not grow with the number of blocks or images (a 60-block page costs the same).

Run: .venv/bin/python benchmarks/landing.py
"""

import statistics
import sys
import time

import harness

harness.prepare("landing")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.landing_content import build_pages  # noqa: E402

ROUNDS = 60
MAX_RATIO = 3.0
MAX_QUERIES = 15


def timed_get(client, url, host):
    started = time.perf_counter()
    response = client.get(url, HTTP_HOST=host)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} on {host} answered {response.status_code}")
    return elapsed


def count_queries(client, url, host):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, response.status_code
    return len(queries)


def main():
    settings.ALLOWED_HOSTS = ["*"]
    pages = build_pages()
    host = pages["host"]
    client = Client()
    targets = {
        "service30": pages["service30"].url,
        "service60": pages["service60"].url,
        "baseline": pages["baseline"].url,
    }
    for url in targets.values():  # warm template, rendition and site caches
        for _ in range(3):
            timed_get(client, url, host)

    queries = {name: count_queries(client, url, host) for name, url in targets.items()}

    samples = {name: [] for name in targets}
    for _ in range(ROUNDS):
        for name, url in targets.items():
            samples[name].append(timed_get(client, url, host))
    median = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    ratio = median["service30"] / median["baseline"]

    print(f"service page, 30 blocks: {median['service30']:.2f} ms, {queries['service30']} queries")
    print(f"service page, 60 blocks: {median['service60']:.2f} ms, {queries['service60']} queries")
    print(f"baseline page:           {median['baseline']:.2f} ms, {queries['baseline']} queries")
    failures = []
    if ratio > MAX_RATIO:
        failures.append(f"render ratio {ratio:.2f} > {MAX_RATIO}")
    if queries["service30"] > MAX_QUERIES:
        failures.append(f"{queries['service30']} queries > {MAX_QUERIES}")
    if queries["service60"] > queries["service30"]:
        failures.append("queries grow with the number of blocks")
    figures = {
        "ratio": f"{ratio:.2f}",
        "service_ms": f"{median['service30']:.2f}",
        "baseline_ms": f"{median['baseline']:.2f}",
        "queries": queries["service30"],
        "queries_60_blocks": queries["service60"],
        "baseline_queries": queries["baseline"],
        "target_ratio": MAX_RATIO,
        "target_queries": MAX_QUERIES,
    }
    return harness.report(figures, failures)


if __name__ == "__main__":
    sys.exit(main())
