"""The page cache: a cached landing against a trivial Django view, and publish-to-served time.

Builds, in a throwaway SQLite database, the 30-block landing of benchmarks/landing.py (curators
with photos, documents, every kind of block) with the page cache on, as ``make run`` has it
(a file cache under var/, shared by gunicorn's workers). Every request goes through Django's
WSGI handler and the project's whole middleware stack, as gunicorn calls it:

* cached: the landing, requested anonymously after one visit stored it;
* baseline, in the same run: a view that returns ``HttpResponse("ok")``, routed through the
  same stack (this script's own URLconf adds it beside the project's);
* rendered, for the record: the same landing with a query string, which is never cached.

Then an editor's change is published and the landing requested until the new title is served.

Targets (issue 12): the cached landing at least 0.5 times as many requests per second as the
trivial view; the new version served less than 1 s after ``publish()`` is called.

Run: .venv/bin/python benchmarks/cache.py
"""

import statistics
import sys
import time
from io import BytesIO

import harness

harness.prepare("cache", page_cache=True)

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from benchmarks.landing_content import build_pages  # noqa: E402

ROUNDS = 400
MIN_RATIO = 0.5
MAX_PUBLISH_SECONDS = 1.0


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench-trivial/", trivial), path("", include("constructor.urls"))]


def environ(host, path, query=""):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": str(settings.PUBLIC_PORT),
        "HTTP_HOST": f"{host}:{settings.PUBLIC_PORT}",
        "wsgi.input": BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class Server:
    """The WSGI application, called the way gunicorn calls it."""

    def __init__(self):
        self.app = WSGIHandler()

    def get(self, host, path, query=""):
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(headers)

        body = b"".join(self.app(environ(host, path, query), start_response))
        return answer["status"], answer["headers"], body


def rate(server, host, path, query="", rounds=ROUNDS):
    """Requests per second: the median of five batches."""
    batches = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds // 5):
            status, _headers, _body = server.get(host, path, query)
            if status != 200:
                raise SystemExit(f"{host}{path} answered {status}")
        batches.append((rounds // 5) / (time.perf_counter() - started))
    return statistics.median(batches)


def main():
    settings.ROOT_URLCONF = __name__
    pages = build_pages()
    host, landing = pages["host"], pages["service30"]
    path = landing.url_path[len(landing.get_site().root_page.url_path) - 1 :]
    server = Server()

    status, headers, _body = server.get(host, path)
    if status != 200 or headers.get("X-Page-Cache") != "miss":
        raise SystemExit(f"the first visit was not stored: {status} {headers}")
    status, headers, _body = server.get(host, path)
    if headers.get("X-Page-Cache") != "hit":
        raise SystemExit(f"the second visit was not served from the cache: {headers}")
    for _ in range(50):  # warm both paths up
        server.get(host, "/bench-trivial/")
        server.get(host, path)

    trivial_rate = rate(server, host, "/bench-trivial/")
    cached_rate = rate(server, host, path)
    rendered_rate = rate(server, host, path, query="uncached=1", rounds=40)
    ratio = cached_rate / trivial_rate

    new_title = "Запись в детский сад: новые сроки"
    landing.title = new_title
    revision = landing.save_revision()
    started = time.perf_counter()
    revision.publish()
    published = time.perf_counter()
    while True:
        _status, headers, body = server.get(host, path)
        if new_title.encode() in body:
            break
        if time.perf_counter() - started > 30:
            raise SystemExit("the new version was not served within 30 s of publishing")
    served = time.perf_counter()
    publish_to_served = served - started

    print(
        f"trivial view {trivial_rate:.0f}/s, cached landing {cached_rate:.0f}/s "
        f"(ratio {ratio:.2f}), rendered landing {rendered_rate:.0f}/s"
    )
    print(
        f"publish() took {published - started:.3f} s; the new version was served "
        f"{publish_to_served:.3f} s after publish() was called"
    )
    failures = []
    if ratio < MIN_RATIO:
        failures.append(f"cached/trivial ratio {ratio:.2f} < {MIN_RATIO}")
    if publish_to_served >= MAX_PUBLISH_SECONDS:
        failures.append(f"publish to served {publish_to_served:.3f} s >= {MAX_PUBLISH_SECONDS} s")
    return harness.report(
        {
            "ratio": f"{ratio:.2f}",
            "trivial_per_s": f"{trivial_rate:.0f}",
            "cached_per_s": f"{cached_rate:.0f}",
            "rendered_per_s": f"{rendered_rate:.0f}",
            "speedup_over_render": f"{cached_rate / rendered_rate:.1f}",
            "publish_to_served_s": f"{publish_to_served:.3f}",
            "target_ratio": MIN_RATIO,
            "target_publish_s": MAX_PUBLISH_SECONDS,
        },
        failures,
    )


if __name__ == "__main__":
    sys.exit(main())
