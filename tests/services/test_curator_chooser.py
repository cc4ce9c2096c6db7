"""The curator chooser shows each curator's consent to publication; only consent can be chosen.

A curator without consent is listed (so the editor finds them and learns what to ask for) but
has no link to choose; asking for them anyway is refused, and submitting a page that names one
stops at the curator's block.
"""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import WorkflowState

from constructor.services.models import Curator
from tests.review.test_workflow import edit_url, workflow_state

CHOOSER = "wagtailsnippetchoosers_services_curator"


@pytest.fixture
def curator_without_consent(region):
    return Curator.objects.create(
        region=region,
        full_name="Кузнецова Марина Олеговна",
        position="Руководитель проектного офиса",
        organisation="Министерство цифрового развития",
        consent_to_publish=False,
    )


def chooser_rows(client, url_name="choose", **params):
    response = client.get(reverse(f"{CHOOSER}:{url_name}"), params)
    assert response.status_code == 200
    html = response.json()["html"] if url_name == "choose" else response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    return soup, {
        row.select_one("td.title").get_text(" ", strip=True): row for row in soup.select("tbody tr")
    }


def test_chooser_lists_consent_and_links_only_curators_who_consented(
    client, editor, consenting_curator, curator_without_consent
):
    client.force_login(editor)
    soup, rows = chooser_rows(client)
    headers = [th.get_text(strip=True) for th in soup.select("thead th")]
    assert "Согласие на публикацию" in headers
    consenting = rows[str(consenting_curator)]
    assert consenting.select_one("a[data-chooser-modal-choice]")
    assert consenting.select_one(".curator-consent").get_text(" ", strip=True) == "есть"
    refused = rows[str(curator_without_consent)]
    assert refused.select_one("a[data-chooser-modal-choice]") is None
    consent = refused.select_one(".curator-consent")
    assert consent.get_text(" ", strip=True).startswith("нет")
    assert "Попросите куратора" in consent.get_text(" ", strip=True)
    card = reverse("wagtailsnippets_services_curator:edit", args=[curator_without_consent.pk])
    assert consent.select_one(f'a[href="{card}"]')
    assert "Кураторы без согласия есть в списке, но выбрать их нельзя." in soup.get_text(" ")


def test_search_results_show_consent_too(client, editor, curator_without_consent):
    client.force_login(editor)
    _soup, rows = chooser_rows(client, "choose_results", q="Кузнецова")
    (row,) = rows.values()
    assert row.select_one("a[data-chooser-modal-choice]") is None
    assert row.select_one(".curator-consent").get_text(" ", strip=True).startswith("нет")


@pytest.mark.parametrize("query", ["\"'<script>", "\x00", "a" * 5000, "Кузнецова OR 1=1"])
def test_hostile_searches_answer_normally(client, editor, curator_without_consent, query):
    client.force_login(editor)
    response = client.get(reverse(f"{CHOOSER}:choose_results"), {"q": query})
    assert response.status_code == 200


def test_choosing_a_curator_without_consent_is_refused(
    client, editor, consenting_curator, curator_without_consent
):
    client.force_login(editor)
    chosen = client.get(reverse(f"{CHOOSER}:chosen", args=[consenting_curator.pk]))
    assert chosen.status_code == 200
    assert chosen.json()["result"]["id"] == str(consenting_curator.pk)
    refused = client.get(reverse(f"{CHOOSER}:chosen", args=[curator_without_consent.pk]))
    assert refused.status_code == 404


@pytest.mark.parametrize("pk", ["abc", "1'--", "9" * 30, "-1"])
def test_made_up_choices_are_not_found(client, editor, pk):
    client.force_login(editor)
    assert client.get(reverse(f"{CHOOSER}:chosen", args=[pk])).status_code == 404


def with_curator(data, curator):
    (key,) = [k for k, v in data.items() if k.endswith("-type") and v == "curator"]
    data[key.replace("-type", "-value-curator")] = curator.pk
    return data


def test_submitting_a_page_naming_a_curator_without_consent_stops_at_the_block(
    client, editor, draft_service, submit_data, curator_without_consent
):
    client.force_login(editor)
    data = with_curator(submit_data(draft_service), curator_without_consent)
    response = client.post(edit_url(draft_service), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["body"].as_data()[0]
    (index,) = errors.block_errors
    curator_error = errors.block_errors[index].block_errors["curator"]
    message = " ".join(curator_error.messages)
    assert curator_without_consent.full_name in message and "Попросите куратора" in message
    assert workflow_state(draft_service) is None
    # What was typed is kept: the page editor comes back with the same curator chosen.
    assert str(curator_without_consent.pk) in response.content.decode()


def test_a_draft_may_keep_a_curator_waiting_for_consent(
    client, editor, draft_service, submit_data, curator_without_consent
):
    client.force_login(editor)
    data = with_curator(submit_data(draft_service), curator_without_consent)
    del data["action-submit"]
    assert client.post(edit_url(draft_service), data).status_code == 302
    draft_service.refresh_from_db()
    body = draft_service.get_latest_revision_as_object().body
    assert [block.value["curator"] for block in body if block.block_type == "curator"] == [
        curator_without_consent
    ]


def test_submitting_with_a_consenting_curator_goes_to_review(
    client, editor, draft_service, submit_data
):
    client.force_login(editor)
    assert client.post(edit_url(draft_service), submit_data(draft_service)).status_code == 302
    assert workflow_state(draft_service).status == WorkflowState.STATUS_IN_PROGRESS
