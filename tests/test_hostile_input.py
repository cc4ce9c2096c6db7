"""Hostile input at every public door: no answer of 500 or more, and anonymous GETs write nothing.

A crawler, a careless client and an attacker all send the same kinds of thing: quotes and NUL
bytes, very long values, deeply nested JSON, wrong types and content types, huge bodies. Every
public URL (the portal, a region's catalog, category and search, a landing, its JSON routes, the
citizen's form, receipt, resume and status links) and every POST endpoint (the form's steps, the
check page, restart, the agency status API) is tried with them, through Django's full middleware
stack. The test client re-raises a view's exception, so a crash fails the example that caused it.
The suite runs on SQLite and again on PostgreSQL, which refuses NUL in text columns.
"""

import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page, Site

from sites.models import PortalHomePage
from tests.applications.conftest import FIVE_STEP_FORM, VALID_STEPS, Citizen, png_bytes

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values that broke or could break something somewhere: query syntaxes, NUL, markup, paths.
NASTY = [
    '"',
    "'",
    "\x00",
    'a"\x00b',
    "' OR 1=1 --",
    '"детский сад" AND NOT (школа OR *)',
    "NEAR(a b) ^2 :* & | !",
    "<script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "../../../etc/passwd",
    "%00%22%27",
    "\\",
    "\r\n\t",
    "…—«»",
    "😀" * 50,
    "[" * 500,
    "я" * 1000,
    "x" * 10_000,
    "0",
    "-1",
    "1e309",
    "null",
]
hostile_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=200))
hostile_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(hostile_text, children, max_size=4)
    ),
    max_leaves=20,
)


def deeply_nested(depth=20_000):
    return "[" * depth + "]" * depth


@pytest.fixture
def public_site(region, category, make_service):
    """The portal, one region with a landing and a live five-step form, and one application."""
    root = Page.get_first_root_node()
    portal = root.add_child(
        instance=PortalHomePage(title="Госуслуги регионов", slug="portal", intro="<p>Все.</p>")
    )
    portal.save_revision().publish()
    Site.objects.filter(is_default_site=True).update(root_page=portal)
    landing = make_service(region, "Выдача разрешения на охоту", category, "4000000031")
    service = make_service(region, "Запись в детский сад", category, "4000000012", live=False)
    service.application_form = FIVE_STEP_FORM
    service.save_revision().publish()
    service.refresh_from_db()

    site = service.get_site()
    host = f"{site.hostname}:{site.port}"
    citizen = Citizen(Client(HTTP_HOST=host), service)
    citizen.fill_all()
    resume_path = re.search(
        r"/apply/resume/[^/\"']+/", citizen.client.get(citizen.base + "check/").content.decode()
    )
    submitted = citizen.client.post(citizen.base + "check/")
    receipt = citizen.client.get(submitted["Location"])
    status_path = re.search(r"/apply/status/[^/\"'<\s]+/", receipt.content.decode())
    return {
        "host": host,
        "service": service,
        "landing": landing,
        "category": category,
        "citizen": citizen,
        "receipt_path": submitted["Location"],
        "status_path": status_path.group(0) if status_path else None,
        "resume_path": resume_path.group(0) if resume_path else None,
    }


def public_paths(site):
    service, landing = site["service"], site["landing"]
    paths = [
        "/",
        "/search/",
        f"/category/{site['category'].slug}/",
        f"/{landing.slug}/",
        f"/{service.slug}/",
        f"/{service.slug}/form-schema.json",
        f"/{service.slug}/mapping-report.json",
        f"/apply/{service.slug}/",
        f"/apply/{service.slug}/check/",
        "/branding.css",
        "/no-such-page/",
    ]
    paths += [f"/apply/{service.slug}/step/{key}/" for key in VALID_STEPS]
    paths += [path for path in (site["status_path"], site["resume_path"]) if path]
    return paths


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what} answered {response.status_code}"


def every_row_count():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


# GET: every public URL with hostile query strings and path segments, on both kinds of host


def test_hostile_query_strings_never_crash_a_public_page(public_site):
    paths = public_paths(public_site)
    hosts = [public_site["host"], "localhost:8000"]

    @FUZZ
    @given(
        path=st.sampled_from(paths),
        host=st.sampled_from(hosts),
        query=st.dictionaries(
            st.sampled_from(["q", "page", "category", "sort", "format"]) | hostile_text,
            st.lists(hostile_text, min_size=1, max_size=3),
            max_size=3,
        ),
    )
    def check(path, host, query):
        url = path + "?" + urlencode(query, doseq=True) if query else path
        response = Client(HTTP_HOST=host).get(url)
        assert_no_server_error(response, f"GET {url[:200]}")

    check()


def test_hostile_path_segments_never_crash_a_public_page(public_site):
    slug = public_site["service"].slug
    templates = [
        "/{}/",
        "/category/{}/",
        "/apply/{}/",
        "/apply/{}/check/",
        f"/apply/{slug}/step/{{}}/",
        f"/apply/{slug}/submitted/{{}}/",
        "/apply/status/{}/",
        "/apply/resume/{}/",
        "/{}/form-schema.json",
        "/{}/mapping-report.json",
        "/api/v1/applications/{}/status",
        "/documents/{}/",
    ]

    @FUZZ
    @given(template=st.sampled_from(templates), segment=hostile_text.filter(bool))
    def check(template, segment):
        url = template.format(quote(segment, safe=""))
        response = Client(HTTP_HOST=public_site["host"]).get(url)
        assert_no_server_error(response, f"GET {url[:200]}")

    check()


def test_search_answers_any_query_on_this_database(public_site):
    @FUZZ
    @given(query=hostile_text)
    def check(query):
        response = Client(HTTP_HOST=public_site["host"]).get("/search/", {"q": query})
        assert response.status_code == 200, f"search for {query[:80]!r}"

    check()


def test_anonymous_gets_of_every_public_page_write_no_row(public_site):
    before = every_row_count()
    for path in public_paths(public_site):
        for _ in range(3):
            Client(HTTP_HOST=public_site["host"]).get(path)
        Client(HTTP_HOST="localhost:8000").get(path)
    after = every_row_count()
    grown = {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }
    assert grown == {}


# POST: the citizen's form, the check page, restart, and the agency status API


def test_hostile_form_posts_never_crash_the_wizard(public_site):
    service = public_site["service"]
    host = public_site["host"]
    field_names = sorted({name for data in VALID_STEPS.values() for name in data})
    step_keys = list(VALID_STEPS)

    @FUZZ
    @given(
        step=st.sampled_from(step_keys) | hostile_text,
        data=st.dictionaries(
            st.sampled_from(field_names) | hostile_text,
            st.lists(hostile_text, min_size=1, max_size=3),
            max_size=6,
        ),
        fresh=st.booleans(),
    )
    def check(step, data, fresh):
        citizen = Citizen(Client(HTTP_HOST=host), service)
        if not fresh:
            citizen.start()
        url = f"/apply/{service.slug}/step/{quote(step, safe='') or 'applicant'}/"
        response = citizen.client.post(url, {"wizard-current_step": step, **data})
        assert_no_server_error(response, f"POST {url[:200]}")

    check()


def test_hostile_bodies_and_content_types_never_crash_a_post_endpoint(public_site):
    service = public_site["service"]
    slug = service.slug
    posts = [
        f"/apply/{slug}/",
        f"/apply/{slug}/step/applicant/",
        f"/apply/{slug}/step/documents/",
        f"/apply/{slug}/check/",
        f"/apply/{slug}/restart/",
        "/search/",
        f"/{slug}/",
        "/api/v1/applications/40-2026-000001/status",
    ]
    posts += [path for path in (public_site["status_path"], public_site["resume_path"]) if path]
    content_types = [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data",
        "text/plain; charset=utf-8",
        "application/xml",
        "application/json; charset=koi8-r",
        "",
    ]
    bodies = st.one_of(
        hostile_json.map(lambda value: json.dumps(value).encode()),
        hostile_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.binary(max_size=2000),
        st.just(deeply_nested().encode()),
        st.just(b"\xff\xfe\x00\x00" * 100),
    )

    @FUZZ
    @given(path=st.sampled_from(posts), content_type=st.sampled_from(content_types), body=bodies)
    def check(path, content_type, body):
        citizen = (
            public_site["citizen"]
            if "status" in path
            else Citizen(Client(HTTP_HOST=public_site["host"]), service)
        )
        response = citizen.client.generic("POST", path, body, content_type=content_type)
        assert_no_server_error(response, f"POST {path} ({content_type})")

    check()


@pytest.mark.parametrize("path", ["/apply/{slug}/step/applicant/", "/apply/{slug}/step/documents/"])
def test_a_huge_form_post_is_refused_without_a_crash(public_site, path):
    citizen = Citizen(Client(HTTP_HOST=public_site["host"]), public_site["service"])
    citizen.start()
    url = path.format(slug=public_site["service"].slug)
    huge = b"a=" + b"x" * (20 * 1024 * 1024)
    response = citizen.client.post(url, huge, content_type="application/x-www-form-urlencoded")
    assert_no_server_error(response, f"POST {url} (20 MB)")
    assert response.status_code != 200


def test_a_huge_or_deeply_nested_api_body_is_refused_as_json(public_site):
    client = Client(HTTP_HOST=public_site["host"])
    url = "/api/v1/applications/40-2026-000001/status"
    huge = client.post(
        url, b"[" + b"1," * (10 * 1024 * 1024) + b"1]", content_type="application/json"
    )
    assert huge.status_code in (401, 413)
    assert huge["Content-Type"].startswith("application/")
    nested = client.post(url, deeply_nested(200_000), content_type="application/json")
    assert 400 <= nested.status_code < 500
    assert nested["Content-Type"].startswith("application/")


def test_hostile_file_uploads_never_crash_the_documents_step(public_site):
    service = public_site["service"]

    @FUZZ
    @given(
        name=hostile_text.filter(bool),
        content=st.one_of(
            st.binary(max_size=4000),
            st.just(png_bytes() + b"<script>alert(1)</script>"),
            st.just(b"%PDF-1.4\n" + b"<html><script>alert(1)</script></html>"),
            st.just(png_bytes()[:30]),
        ),
        content_type=st.sampled_from(["image/png", "application/pdf", "text/html", "", "\x00"]),
    )
    def check(name, content, content_type):
        citizen = Citizen(Client(HTTP_HOST=public_site["host"]), service)
        citizen.start()
        for key in ("applicant", "children", "contacts"):
            citizen.post_step(key, VALID_STEPS[key])
        upload = SimpleUploadedFile(name[:200], content, content_type=content_type or "x/y")
        response = citizen.post_step(
            "documents", VALID_STEPS["documents"], {"documents-passport_scan": upload}
        )
        assert_no_server_error(response, "upload")

    check()
