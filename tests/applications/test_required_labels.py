"""A label never says less than the rule it carries.

A question required under a condition is built not-required when the condition's answer is on
the same page (the page decides it on submit), and a required upload already given need not be
sent again; neither may be labelled «(необязательно)» while it must be answered.
"""

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.applications.conftest import Citizen, field, png_bytes, step

HAS_BENEFIT = {"field": "has_benefit", "operator": "is_true", "value": ""}
BENEFIT_FORM = [
    step(
        "benefit",
        "Льгота",
        [
            field("yes_no", "has_benefit", "Есть ли у вас право на льготу?"),
            field(
                "choice",
                "benefit",
                "Какая льгота?",
                condition=HAS_BENEFIT,
                widget="radio",
                choices=[{"code": "first", "label": "Первоочередная"}],
            ),
            field("text", "benefit_note", "Комментарий к льготе", condition=HAS_BENEFIT),
            field("text", "note", "Комментарий", required=False, max_length=None),
        ],
    ),
    step(
        "proof",
        "Подтверждение",
        [
            field("text", "certificate", "Номер удостоверения", condition=HAS_BENEFIT),
            field(
                "file",
                "scan",
                "Скан удостоверения",
                allowed_types=["png"],
                max_size_mb=1,
                max_files=1,
            ),
        ],
    ),
]


@pytest.fixture
def applicant(region, category, make_service):
    service = make_service(region, "Льготное зачисление", category, "4000000032", live=False)
    service.application_form = BENEFIT_FORM
    service.save_revision().publish()
    service.refresh_from_db()
    site = service.get_site()
    citizen = Citizen(Client(HTTP_HOST=f"{site.hostname}:{site.port}"), service)
    citizen.start()
    return citizen


def markers(response, name):
    """The «(необязательно)» markers a question's label shows: (visible, all)."""
    assert response.status_code == 200, response.content.decode()[:2000]
    page = BeautifulSoup(response.content.decode(), "html.parser")
    group = page.select_one(f"[name='{name}']").find_parent(class_="form-group")
    title = group.select_one("legend.form-label, label.form-label")
    found = title.select(".form-optional")
    assert all("необязательно" in marker.get_text() for marker in found)
    return [m for m in found if not m.has_attr("hidden")], found


def test_a_question_required_once_shown_is_not_labelled_optional_when_its_condition_holds(
    applicant,
):
    response = applicant.post_step("benefit", {"benefit-has_benefit": "yes"})
    assert "Требуется заполнить это поле" in response.content.decode()
    for name in ("benefit-benefit", "benefit-benefit_note"):
        shown, rendered = markers(response, name)
        assert shown == [], name
        # The marker is there for application-form.js to show if the answer changes.
        assert len(rendered) == 1


def test_before_its_condition_holds_the_marker_waits_for_the_answer(applicant):
    response = applicant.client.get(applicant.step_url("benefit"))
    shown, _rendered = markers(response, "benefit-benefit_note")
    assert len(shown) == 1  # not asked yet: shown only by the answer above, live
    page = BeautifulSoup(response.content.decode(), "html.parser")
    group = page.select_one("[name='benefit-benefit_note']").find_parent(class_="form-group")
    assert group.has_attr("data-required-if-shown") and group.has_attr("data-condition")


def test_a_truly_optional_question_keeps_its_marker(applicant):
    response = applicant.post_step("benefit", {"benefit-has_benefit": "yes"})
    shown, _rendered = markers(response, "benefit-note")
    assert len(shown) == 1


def test_a_question_whose_condition_held_on_an_earlier_step_is_labelled_required(applicant):
    answers = {
        "benefit-has_benefit": "yes",
        "benefit-benefit": "first",
        "benefit-benefit_note": "С 2024 года",
    }
    assert applicant.post_step("benefit", answers).status_code == 302
    response = applicant.client.get(applicant.step_url("proof"))
    assert markers(response, "proof-certificate") == ([], [])


def test_a_required_upload_already_given_is_not_labelled_optional(applicant):
    assert applicant.post_step("benefit", {"benefit-has_benefit": "no"}).status_code == 302
    scan = SimpleUploadedFile("удостоверение.png", png_bytes(), content_type="image/png")
    assert applicant.post_step("proof", {}, {"proof-scan": scan}).status_code == 302
    response = applicant.client.get(applicant.step_url("proof"))
    assert "удостоверение.png" in response.content.decode()
    assert markers(response, "proof-scan") == ([], [])
    # and it really need not be sent again
    assert applicant.post_step("proof", {}).status_code == 302
