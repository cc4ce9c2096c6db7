"""Looking writes nothing: a visitor without cookies leaves no row in any table.

A crawler that follows every link and keeps no cookie once made a draft and a session per
visit of an application form, without end. Every table is counted before and after repeated
cookieless GETs of every kind of public page; only sending something stores a draft.
"""

import pytest
from django.db import connection
from django.test import Client

from constructor.applications.drafts import SESSION_KEY
from constructor.applications.models import ApplicationDraft
from constructor.applications.status_links import status_path
from sites.models import InformationPage
from tests.applications.conftest import VALID_STEPS

VISITS = 20


def row_counts():
    """Rows in every table of the database, by table name (models' and the search index's)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def changed_tables(before, after):
    return {
        table: (before.get(table), count)
        for table, count in after.items()
        if count != before.get(table)
    }


@pytest.fixture
def public_pages(form_service, region, category, portal, citizen_factory):
    """(host, path, status after redirects) of every kind of public page, with a status link."""
    about = region.home_page.add_child(
        instance=InformationPage(title="О портале", slug="about", body="<p>Портал услуг.</p>")
    )
    about.save_revision().publish()
    sender = citizen_factory()
    sender.fill_all()
    assert sender.client.post(sender.base + "check/").status_code == 302
    application = sender.draft().application
    service = f"/apply/{form_service.slug}/"
    pages = [
        ("/", 200),
        (f"/category/{category.slug}/", 200),
        ("/search/?q=школу", 200),
        ("/search/?q=%22", 200),
        ("/about/", 200),
        (form_service.url, 200),
        (f"{form_service.url}form-schema.json", 200),
        (service, 200),
        (f"{service}step/applicant/", 200),
        (f"{service}step/contacts/", 200),
        (f"{service}check/", 200),
        (f"{service}submitted/{application.number}/", 404),
        (status_path(application), 200),
        ("/apply/status/not-a-token/", 404),
        ("/apply/resume/not-a-token/", 400),
        ("/branding.css", 200),
        ("/no-such-page/", 404),
    ]
    region_host = f"{region.site.hostname}:{region.site.port}"
    return [("localhost", "/", 200)] + [(region_host, path, status) for path, status in pages]


def test_cookieless_visits_of_every_public_page_write_no_row(public_pages):
    before = row_counts()
    for host, path, status in public_pages:
        for _visit in range(VISITS):
            response = Client(HTTP_HOST=host).get(path, follow=True)
            assert response.status_code == status, (host, path)
            assert "sessionid" not in response.cookies, (host, path)
    assert changed_tables(before, row_counts()) == {}


def test_the_first_page_of_a_form_is_shown_without_storing_a_draft(citizen):
    response = citizen.client.get(citizen.base, follow=True)
    assert response.redirect_chain[-1][0].endswith("/step/applicant/")
    assert response.status_code == 200
    assert 'name="applicant-snils"' in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert ApplicationDraft.objects.count() == 0
    assert SESSION_KEY not in citizen.client.session


def test_the_draft_is_stored_on_the_first_valid_answer(citizen):
    citizen.start()
    assert citizen.post_step("applicant", VALID_STEPS["applicant"]).status_code == 302
    assert ApplicationDraft.objects.count() == 1
    assert citizen.draft().open_answers()["step_data"]["applicant"]


def test_the_draft_is_stored_on_the_first_invalid_answer_and_keeps_the_typing(citizen):
    citizen.start()
    typed = {**VALID_STEPS["applicant"], "applicant-snils": "123"}
    response = citizen.post_step("applicant", typed)
    assert response.status_code == 200
    assert 'value="Иванова"' in response.content.decode()
    assert ApplicationDraft.objects.count() == 1
    assert citizen.draft().pk
    assert "/apply/resume/" in response.content.decode()


def test_sending_the_first_page_with_the_csrf_cookie_works_without_a_session(form_service):
    site = form_service.get_site()
    browser = Client(HTTP_HOST=f"{site.hostname}:{site.port}", enforce_csrf_checks=True)
    page = browser.get(f"/apply/{form_service.slug}/step/applicant/")
    assert "sessionid" not in browser.cookies
    token = page.context["csrf_token"]
    response = browser.post(
        f"/apply/{form_service.slug}/step/applicant/",
        {
            "wizard-current_step": "applicant",
            "csrfmiddlewaretoken": str(token),
            **VALID_STEPS["applicant"],
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/step/children/")
    assert ApplicationDraft.objects.count() == 1
    assert "sessionid" in browser.cookies
