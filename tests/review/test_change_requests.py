"""The editor sees what the review asked to change, who asked and when, until submitting again."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from constructor.review.dashboard import services_of
from tests.review.test_workflow import action_url, edit_url, submit

REASON = "Уточните, какие документы нужны для усыновлённых детей.\nИ поправьте срок."
DASHBOARD = reverse("wagtailadmin_home")


@pytest.fixture
def reviewer(make_user, db):
    from constructor.review.workflow import ensure_federal_reviewers

    user = make_user("federal-reviewer", ensure_federal_reviewers())
    user.first_name, user.last_name = "Елена", "Соколова"
    user.save()
    return user


def request_changes(reviewer, page, state, reason=REASON):
    client = Client()
    client.force_login(reviewer)
    response = client.post(action_url(page, "reject", state), {"comment": reason})
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def change_request_shown(html):
    return "Уточните, какие документы нужны для усыновлённых детей.<br>И поправьте срок." in html


def test_reason_author_and_date_show_on_the_edit_page_and_dashboard_until_resubmission(
    client, editor, reviewer, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    request_changes(reviewer, draft_service, state)
    state.current_task_state.refresh_from_db()
    when = state.current_task_state.finished_at

    client.force_login(editor)
    editor_html = client.get(edit_url(draft_service)).content.decode()
    assert 'id="change-request-heading"' in editor_html
    assert change_request_shown(editor_html)
    assert "Елена Соколова" in editor_html
    dashboard_html = client.get(DASHBOARD).content.decode()
    assert change_request_shown(dashboard_html) and "Елена Соколова" in dashboard_html
    (service,) = services_of(editor)
    assert service["change_request"].requested_at == when
    assert service["change_request"].requested_by == reviewer

    # Submitted again: the request leaves the editor's screens and stays in the history.
    resubmitted = submit(client, editor, draft_service, submit_data(draft_service))
    assert resubmitted.status == WorkflowState.STATUS_IN_PROGRESS
    assert not change_request_shown(client.get(edit_url(draft_service)).content.decode())
    assert 'id="change-request-heading"' not in client.get(edit_url(draft_service)).content.decode()
    assert not change_request_shown(client.get(DASHBOARD).content.decode())
    history = client.get(
        reverse("wagtailadmin_pages:workflow_history_detail", args=[draft_service.pk, state.pk])
    )
    assert "Уточните, какие документы нужны" in history.content.decode()


def test_quality_check_rejection_shows_the_unmet_rules_from_the_check(
    client, editor, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service, days=30))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    html = client.get(edit_url(draft_service)).content.decode()
    assert 'id="change-request-heading"' in html
    assert "Автоматическая проверка качества" in html
    assert "30" in html.split('id="change-request-heading"')[1].split("</section>")[0]


def test_no_change_request_on_a_draft_or_a_page_in_review(
    client, editor, reviewer, draft_service, submit_data
):
    client.force_login(editor)
    assert 'id="change-request-heading"' not in client.get(edit_url(draft_service)).content.decode()
    submit(client, editor, draft_service, submit_data(draft_service))
    assert 'id="change-request-heading"' not in client.get(edit_url(draft_service)).content.decode()


def test_the_reason_is_escaped(client, editor, reviewer, draft_service, submit_data):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    request_changes(reviewer, draft_service, state, reason='<script>alert("x")</script> «ок»')
    client.force_login(editor)
    for url in (edit_url(draft_service), DASHBOARD):
        html = client.get(url).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
