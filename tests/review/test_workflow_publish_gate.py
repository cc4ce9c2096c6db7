"""Federal approval publishes only what the publish gate lets through.

The page is mapped onto an agency and passes the quality check; while it waits for the
reviewer, the agency starts requiring a field no rule fills. Approving it then sends it back
to the editor with what the check found, instead of putting a broken mapping live.
"""

import pytest
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from constructor.formbuilder.models import FormVersion
from constructor.services.models import ServicePage
from tests.review.test_workflow import action_url, edit_url, workflow_state
from tests.services.test_publish_gate import (
    FORM,
    GOOD_RULES,
    NEWLY_REQUIRED,
    PAYLOAD_SCHEMA,
    tighten_agency_schema,
)


@pytest.fixture
def integration(db):
    from constructor.integrations.models import Agency, Integration

    agency = Agency.objects.create(name="Социальный фонд России", short_name="СФР", code="sfr")
    return Integration.objects.create(
        agency=agency,
        name="Пособие при рождении",
        code="birth-allowance-test",
        endpoint_url="http://127.0.0.1:9/birth/",
        payload_schema=PAYLOAD_SCHEMA,
        hmac_secret="test-secret",
    )


@pytest.fixture
def in_review(client, editor, draft_service, submit_data, integration):
    """The editor's draft (landing from the editor, form and mapping added), waiting for review."""
    client.force_login(editor)
    data = submit_data(draft_service)
    del data["action-submit"]  # a plain draft save
    assert client.post(edit_url(draft_service), data).status_code == 302
    draft_service.refresh_from_db()
    page = draft_service.get_latest_revision_as_object()
    page.application_form = FORM
    page.integration = integration
    page.payload_mapping = GOOD_RULES
    page.save_revision(user=editor)
    draft_service.get_workflow().start(draft_service, editor)
    state = workflow_state(draft_service)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS, state.current_task_state.comment
    assert state.current_task_state.task.name.startswith("Согласование")
    return state


def approve(client, reviewer, page, state):
    client.force_login(reviewer)
    response = client.post(action_url(page, "approve", state), {"comment": ""})
    assert response.status_code == 302
    state.refresh_from_db()
    return ServicePage.objects.get(pk=page.pk)


def test_an_approved_page_that_passes_the_gate_goes_live(
    client, reviewer, draft_service, in_review
):
    page = approve(client, reviewer, draft_service, in_review)
    assert page.live and page.live_revision_id == page.latest_revision_id
    assert in_review.status == WorkflowState.STATUS_APPROVED
    assert FormVersion.objects.filter(page=page).exists()


def test_approving_a_page_the_gate_refuses_sends_it_back_with_the_reason(
    client, editor, reviewer, draft_service, in_review, integration
):
    tighten_agency_schema(integration)
    page = approve(client, reviewer, draft_service, in_review)
    assert not page.live and page.live_revision_id is None
    assert not FormVersion.objects.filter(page=page).exists()
    assert in_review.status == WorkflowState.STATUS_NEEDS_CHANGES
    task_state = in_review.current_task_state
    assert task_state.status == TaskState.STATUS_REJECTED
    assert NEWLY_REQUIRED in task_state.comment

    client.force_login(editor)
    history = client.get(
        reverse("wagtailadmin_pages:workflow_history_detail", args=[draft_service.pk, in_review.pk])
    )
    assert NEWLY_REQUIRED in history.content.decode()
