"""After approving or requesting changes, the reviewer sees one message that says what happened.

Each person works in their own browser here (their own ``Client``), so no message of the
editor's reaches the reviewer's screen.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from tests.review.test_workflow import action_url, edit_url, submit, workflow_state
from tests.review.test_workflow_publish_gate import in_review, integration  # noqa: F401
from tests.services.test_publish_gate import tighten_agency_schema

REASON = "Добавьте срок рассмотрения для второго ребёнка."


@pytest.fixture
def reviewer_client(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def waiting(client, editor, draft_service, submit_data):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    return state


def decide_in_editor(reviewer_client, page, submit_data, action, **extra):
    """The reviewer's «Approve» / «Request changes» in the page editor's action menu."""
    data = submit_data(page, action="action-workflow-action")
    data["workflow-action-name"] = action
    data["workflow-action-extra-data"] = json.dumps(extra)
    return reviewer_client.post(edit_url(page), data, follow=True)


def shown_messages(response):
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def test_approving_in_the_editor_says_once_that_the_page_is_live(
    reviewer_client, draft_service, submit_data, waiting
):
    response = decide_in_editor(reviewer_client, draft_service, submit_data, "approve")
    assert response.redirect_chain[-1][0] == reverse("review_queue")
    assert response.status_code == 200
    ((level, text),) = shown_messages(response)
    assert level == "success"
    assert draft_service.title in text and "одобрена и опубликована" in text
    waiting.refresh_from_db()
    assert waiting.status == WorkflowState.STATUS_APPROVED


def test_requesting_changes_in_the_editor_says_once_that_the_page_went_back(
    reviewer_client, draft_service, submit_data, waiting
):
    response = decide_in_editor(
        reviewer_client, draft_service, submit_data, "reject", comment=REASON
    )
    assert response.redirect_chain[-1][0] == reverse("review_queue")
    ((level, text),) = shown_messages(response)
    assert level == "success"
    assert "возвращена редактору" in text
    state = workflow_state(draft_service)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == REASON


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_deciding_from_the_dashboard_says_once_what_happened(
    reviewer_client, draft_service, waiting, action
):
    dashboard = reverse("wagtailadmin_home")
    response = reviewer_client.post(
        action_url(draft_service, action, waiting),
        {"comment": REASON, "next": dashboard},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == dashboard
    ((level, text),) = shown_messages(response)
    assert level == "success" and draft_service.title in text


def test_deciding_without_next_lands_on_the_queue_not_the_closed_editor(
    reviewer_client, draft_service, waiting
):
    response = reviewer_client.post(
        action_url(draft_service, "approve", waiting), {"comment": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("review_queue")
    assert [level for level, _text in shown_messages(response)] == ["success"]


def test_a_reason_left_empty_changes_nothing_and_says_nothing_of_a_decision(
    reviewer_client, draft_service, waiting
):
    response = reviewer_client.post(
        action_url(draft_service, "reject", waiting),
        {"comment": " "},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200 and response.json()["step"] == "action"
    waiting.refresh_from_db()
    assert waiting.status == WorkflowState.STATUS_IN_PROGRESS
    assert shown_messages(reviewer_client.get(reverse("review_queue"))) == []


def test_approval_the_publish_gate_refuses_says_so_once(
    client,
    reviewer,
    draft_service,
    in_review,  # noqa: F811
    integration,  # noqa: F811
):
    tighten_agency_schema(integration)
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    response = reviewer_client.post(
        action_url(draft_service, "approve", in_review), {"comment": ""}, follow=True
    )
    ((level, text),) = shown_messages(response)
    assert level == "error" and draft_service.title in text
    in_review.refresh_from_db()
    assert in_review.status == WorkflowState.STATUS_NEEDS_CHANGES
