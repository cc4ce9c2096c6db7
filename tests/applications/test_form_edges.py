"""Edge cases of the citizen flow: composite fields in groups, republished forms, script in
answers, files for officials, concurrent submits."""

import copy
import re
import threading
from urllib.parse import unquote

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from constructor.applications.models import Application, ApplicationDraft
from constructor.applications.submission import submit_draft
from constructor.formbuilder.models import FormVersion
from tests.applications.conftest import FIVE_STEP_FORM, VALID_STEPS, Citizen, field, step

SCRIPT = '<script>alert("x")</script>'

GROUP_FORM = [
    step(
        "family",
        "Семья",
        [
            field("text", "note", "Комментарий", required=False, max_length=None),
            field(
                "group",
                "children",
                "Дети",
                min_items=1,
                max_items=3,
                fields=[
                    field("full_name", "child_name", "ФИО ребёнка"),
                    field("passport", "child_passport", "Паспорт ребёнка", required=False),
                    field("address", "child_address", "Адрес ребёнка", required=False),
                    field(
                        "choice",
                        "school",
                        "Школа",
                        widget="radio",
                        choices=[
                            {"code": "a", "label": "Лицей"},
                            {"code": "b", "label": "Гимназия"},
                        ],
                    ),
                ],
            ),
        ],
    )
]

CHILD = {
    "family-children-0-child_name_surname": "Иванова",
    "family-children-0-child_name_given_name": "Мария",
    "family-children-0-child_name_patronymic": "",
    "family-children-0-school": "b",
}


@pytest.fixture
def group_citizen(region, category, make_service):
    service = make_service(region, "Зачисление в школу", category, "4000000021", live=False)
    service.application_form = GROUP_FORM
    service.save_revision().publish()
    service.refresh_from_db()
    site = service.get_site()
    return Citizen(Client(HTTP_HOST=f"{site.hostname}:{site.port}"), service)


def page_of(response):
    return response.content.decode()


def test_a_group_with_a_full_name_draws_empty_with_a_label_for_every_input(group_citizen):
    group_citizen.start()
    response = group_citizen.client.get(group_citizen.step_url("family"))
    assert response.status_code == 200
    html = page_of(response)
    for part in ("surname", "given_name", "patronymic"):
        input_id = f"id_family-children-0-child_name_{part}"
        assert f'name="family-children-0-child_name_{part}"' in html
        assert f'id="{input_id}"' in html
        assert f'for="{input_id}"' in html
    for part in ("series", "number", "issue_date", "issuer_code"):
        assert f'for="id_family-children-0-child_passport_{part}"' in html
    for part in ("postcode", "region", "locality", "street", "house", "flat"):
        assert f'for="id_family-children-0-child_address_{part}"' in html
    # Several inputs are named by a fieldset's legend, not by one label.
    assert re.search(r"<legend[^>]*>ФИО ребёнка", html)
    assert re.search(r"<legend[^>]*>Школа", html)


def test_a_group_with_a_full_name_keeps_and_checks_its_parts(group_citizen):
    group_citizen.start()
    bad = {**CHILD, "family-children-0-child_name_given_name": "Mary"}
    response = group_citizen.post_step("family", bad)
    assert response.status_code == 200
    html = page_of(response)
    assert 'value="Иванова"' in html and 'value="Mary"' in html
    assert 'role="alert"' in html
    assert group_citizen.draft().open_answers()["step_data"].get("family") is None

    assert group_citizen.post_step("family", CHILD).status_code == 302
    back = page_of(group_citizen.client.get(group_citizen.step_url("family")))
    assert 'value="Иванова"' in back and 'value="Мария"' in back
    assert re.search(r'value="b"[^>]*checked', back)
    check = page_of(group_citizen.client.get(group_citizen.base + "check/"))
    assert "Иванова Мария" in check
    assert "Гимназия" in check


def test_script_typed_in_text_is_stored_as_typed_and_shown_escaped(
    group_citizen, client, federal_admin
):
    group_citizen.start()
    assert group_citizen.post_step("family", {**CHILD, "family-note": SCRIPT}).status_code == 302
    check = page_of(group_citizen.client.get(group_citizen.base + "check/"))
    assert SCRIPT not in check
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in check
    response = group_citizen.client.post(group_citizen.base + "check/")
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.open_answers()["note"] == SCRIPT

    client.force_login(federal_admin)
    detail = client.get(reverse("applications_admin_detail", args=[application.number]))
    assert detail.status_code == 200
    assert SCRIPT not in page_of(detail)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page_of(detail)


def republish_with_changes(service):
    """The official edits the form: a new question, a reworded one, one removed."""
    form = copy.deepcopy(FIVE_STEP_FORM)
    applicant = form[0]["value"]["fields"]
    applicant[1]["value"]["label"] = "СНИЛС заявителя"
    form[2]["value"]["fields"].append(field("text", "telegram", "Ник в Telegram", max_length=None))
    form[2]["value"]["fields"] = [
        item for item in form[2]["value"]["fields"] if item["value"]["key"] != "email"
    ]
    service.application_form = form
    service.save_revision().publish()
    return FormVersion.objects.filter(page=service).order_by("-number").first()


def test_a_draft_started_on_an_old_form_is_sent_on_it_and_told_what_changed(citizen):
    citizen.start()
    assert citizen.post_step("applicant", VALID_STEPS["applicant"]).status_code == 302
    old = citizen.draft().form_version
    new = republish_with_changes(citizen.service)
    assert new.number == old.number + 1

    page = page_of(citizen.client.get(citizen.step_url("children")))
    assert "СНИЛС заявителя" in page
    assert "Ник в Telegram" in page
    assert "Электронная почта" in page  # removed in the new form
    assert 'value="Иванова"' in page_of(citizen.client.get(citizen.step_url("applicant")))

    citizen.fill_all()  # the draft's own steps, exactly as on the form it started on
    check = page_of(citizen.client.get(citizen.base + "check/"))
    assert "Ник в Telegram" in check
    response = citizen.client.post(citizen.base + "check/")
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.form_version == old


def test_a_citizen_may_start_again_on_the_new_form(citizen, citizen_factory):
    citizen.start()
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    first = citizen.draft()
    new = republish_with_changes(citizen.service)
    response = citizen.client.post(citizen.base + "restart/")
    assert unquote(response["Location"]) == citizen.base
    citizen.start()
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    assert citizen.draft().form_version == new
    assert not ApplicationDraft.objects.filter(pk=first.pk).exists()
    page = page_of(citizen.client.get(citizen.step_url("applicant")))
    assert "Ник в Telegram" not in page  # no notice on the live form
    # Someone who starts now gets the new form straight away.
    other = citizen_factory()
    other.start()
    other.post_step("applicant", VALID_STEPS["applicant"])
    assert other.draft().form_version == new


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_submits_of_one_draft_make_one_application(citizen_factory):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer, so only PostgreSQL shows a race")
    citizen = citizen_factory()
    citizen.fill_all()
    # Two tabs of the same browser: the same session cookie, two requests at once.
    host = citizen.client.defaults["HTTP_HOST"]
    tabs = [Client(HTTP_HOST=host) for _ in range(2)]
    for tab in tabs:
        tab.cookies = copy.deepcopy(citizen.client.cookies)
    barrier = threading.Barrier(len(tabs))
    locations, errors = [], []

    def send(tab):
        try:
            barrier.wait()
            locations.append(tab.post(citizen.base + "check/")["Location"])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Application.objects.count() == 1
    number = Application.objects.get().number
    assert len(locations) == 2
    assert all(unquote(location).endswith(f"/submitted/{number}/") for location in locations)


def test_submit_draft_called_again_after_a_submit_returns_the_same_application(citizen):
    citizen.fill_all()
    draft = citizen.draft()
    stale = ApplicationDraft.objects.get(pk=draft.pk)  # loaded before the first submit
    first = submit_draft(draft)
    assert submit_draft(stale).pk == first.pk
    assert Application.objects.count() == 1


def test_every_answer_on_the_summary_links_to_its_own_input(citizen):
    citizen.fill_all()
    check = page_of(citizen.client.get(citizen.base + "check/"))
    links = re.findall(r'href="([^"]*/step/[^"]*\?return=check#[^"]+)"', check)
    questions = re.findall(r'class="summary-list__key">', check)
    assert len(links) == len(questions) >= 8
    for link in links:
        path, anchor = link.replace("&amp;", "&").split("#")
        response = citizen.client.get(path)
        assert f'id="{anchor}"' in page_of(response), link
        assert response.context["return_to_check"]


def test_the_receipt_names_the_number_date_service_and_next_steps(citizen):
    citizen.fill_all()
    sent = citizen.client.post(citizen.base + "check/")
    receipt = citizen.client.get(sent["Location"])
    application = Application.objects.get()
    page = page_of(receipt)
    assert application.number in page
    assert citizen.service.title in page
    local = timezone.localtime(application.submitted_at)
    assert local.strftime("%d.%m.%Y") in page
    assert re.search(r"<h2>[^<]+</h2>\s*<ol class=\"next-steps\">\s*<li>", page)
    # Back on the summary after sending: straight to the receipt, never a second application.
    again = citizen.client.get(citizen.base + "check/")
    assert again["Location"] == sent["Location"]


def test_answers_that_fail_the_schema_at_submission_are_listed_with_links(citizen):
    """The last check before storing: the FormVersion's JSON Schema over the whole answer."""
    citizen.fill_all()
    draft = citizen.draft()
    state = draft.open_answers()
    state["summary"]["answers"]["snils"] = "11223344596"  # a wrong check number
    draft.seal_answers(state)
    draft.save()
    response = citizen.client.post(citizen.base + "check/")
    assert response.status_code == 200
    page = page_of(response)
    assert 'role="alert"' in page
    assert re.search(r'<a href="[^"]*/step/applicant/\?return=check#id_applicant-snils">', page)
    assert not Application.objects.exists()


def test_the_editor_previews_every_step_and_question_of_the_unsaved_form(form_service):
    """Wagtail's preview modes of a ServicePage include the application form."""
    assert "application_form" in dict(form_service.preview_modes)
    versions = FormVersion.objects.filter(page=form_service).count()
    form = copy.deepcopy(FIVE_STEP_FORM)
    form[2]["value"]["fields"].append(field("text", "telegram", "Ник в Telegram", max_length=None))
    form_service.application_form = form  # in the editor, not saved
    response = form_service.make_preview_request(preview_mode="application_form")
    assert response.status_code == 200
    page = response.rendered_content
    for title in ("Сведения о заявителе", "Дети", "Контакты", "Документы", "Согласие"):
        assert title in page
    assert "Ник в Telegram" in page  # the unsaved change
    assert 'for="id_applicant-applicant_name_surname"' in page
    assert 'id="id_children-children-0-child_name"' in page
    assert "«Есть ли у вас дети до 18 лет?»" in page  # the children step's condition
    assert "<form" not in page.split('class="application"', 1)[1]
    assert FormVersion.objects.filter(page=form_service).count() == versions
