"""Every page of the citizen's application runs under the strict public CSP, with nothing inline.

Steps (with and without errors, with a question shown by an earlier answer), check answers,
the receipt, the status page and a broken resume link, through the real URLs.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from constructor.applications.models import Application
from constructor.applications.status_links import status_path
from tests.applications.conftest import VALID_STEPS, Citizen
from tests.formbuilder.helpers import field, step, when
from tests.security_headers import assert_strict_public_page


def test_every_step_check_answers_receipt_and_status(citizen):
    first = citizen.client.get(citizen.base, follow=True)
    assert first.status_code == 200
    assert_strict_public_page(first)
    citizen.fill_all()
    for key in VALID_STEPS:  # back on each step, with the answers given
        page = citizen.client.get(citizen.step_url(key))
        assert page.status_code == 200, key
        assert_strict_public_page(page)
    check = citizen.client.get(citizen.base + "check/")
    assert check.status_code == 200
    assert_strict_public_page(check)

    receipt = citizen.client.post(citizen.base + "check/", follow=True)
    assert receipt.status_code == 200
    assert_strict_public_page(receipt)
    status = citizen.client.get(status_path(Application.objects.get()))
    assert status.status_code == 200
    assert_strict_public_page(status)


@pytest.mark.parametrize("snils", ["112-233-445 96", '"><script>alert(1)</script>', "\x00"])
def test_a_step_with_errors(citizen, snils):
    citizen.start()
    response = citizen.post_step(
        "applicant", {**VALID_STEPS["applicant"], "applicant-snils": snils}
    )
    assert response.status_code == 200
    assert "data-error-summary" in response.content.decode()
    assert_strict_public_page(response)


def test_a_broken_resume_link(citizen):
    response = citizen.client.get("/apply/resume/not-a-token/")
    assert response.status_code == 400
    assert_strict_public_page(response)


CONDITIONAL_FORM = [
    step(
        "benefit",
        field("yes_no", "has_benefit", "Есть ли у вас льгота?"),
        field(
            "text",
            "benefit_document",
            "Документ о льготе",
            condition=when("has_benefit", "is_true"),
        ),
    )
]


def test_a_question_shown_by_an_earlier_answer_carries_its_rule_in_a_data_attribute(
    region, category, make_service
):
    """application-form.js reads the rule from the attribute: no JSON <script> block needed."""
    service = make_service(region, "Льготный проезд", category, "4000000077", live=False)
    service.application_form = CONDITIONAL_FORM
    service.save_revision().publish()
    site = service.get_site()
    citizen = Citizen(Client(HTTP_HOST=f"{site.hostname}:{site.port}"), service)
    response = citizen.client.get(citizen.base, follow=True)
    assert_strict_public_page(response)
    group = BeautifulSoup(response.content, "html.parser").select_one("[data-condition]")
    rule = json.loads(group["data-condition"])
    assert (rule["name"], rule["operator"]) == ("benefit-has_benefit", "is_true")
    assert group.select_one("#id_benefit-benefit_document")
