"""The review workflow through the admin's real URLs: quality check, then federal approval."""

from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from constructor.review.workflow import WORKFLOW_NAME, ensure_region_review
from sites.regions import create_region


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def workflow_state(page):
    return WorkflowState.objects.filter(object_id=str(page.pk)).order_by("-pk").first()


def submit(client, editor, page, data):
    client.force_login(editor)
    response = client.post(edit_url(page), data)
    assert response.status_code == 302
    page.refresh_from_db()
    return workflow_state(page)


def action_url(page, action, state):
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, action, state.current_task_state.pk],
    )


def test_every_region_home_is_under_the_review_workflow_and_staff_cannot_publish(region):
    home = region.home_page
    assert home.get_workflow().name == WORKFLOW_NAME
    for group in (region.editors, region.moderators):
        assert not group.page_permissions.filter(permission__codename="publish_page").exists()
    # Idempotent: running again changes nothing, and repairs a re-granted publish right.
    create_region(region.name, region.slug, region.code)
    ensure_region_review(region)
    assert home.get_workflow().name == WORKFLOW_NAME


def test_page_failing_a_must_rule_goes_back_to_the_editor_with_the_list(
    client, editor, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service, days=30))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    task_state = state.current_task_state
    assert task_state.status == TaskState.STATUS_REJECTED
    assert "Processing time" in task_state.comment or "Срок" in task_state.comment
    assert not draft_service.live
    # The editor sees the reason on the page's workflow history.
    history = client.get(reverse("wagtailadmin_pages:workflow_history", args=[draft_service.pk]))
    assert history.status_code == 200


def test_passing_page_waits_for_a_reviewer_who_approves_it_live(
    client, editor, reviewer, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name.startswith("Согласование")
    assert not draft_service.live

    client.force_login(reviewer)
    assert client.get(edit_url(draft_service)).status_code == 200
    response = client.post(action_url(draft_service, "approve", state), {"comment": ""})
    assert response.status_code == 302
    draft_service.refresh_from_db()
    assert draft_service.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(
    client, editor, reviewer, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    client.force_login(reviewer)
    url = action_url(draft_service, "reject", state)
    response = client.post(url, {"comment": "  "}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    assert "Give the reason for sending the page back." in response.json()["html"] or (
        "причин" in response.json()["html"].lower()
    )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS


def test_rejecting_with_a_reason_sends_it_to_the_editor(
    client, editor, reviewer, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    client.force_login(reviewer)
    reason = "Уточните, какие документы нужны для усыновлённых детей."
    client.post(action_url(draft_service, "reject", state), {"comment": reason})
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == reason
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:workflow_history", args=[draft_service.pk]))
    detail = response.context.get("workflow_states") if response.context else None
    assert response.status_code == 200 and detail is not None
    history = client.get(
        reverse(
            "wagtailadmin_pages:workflow_history_detail",
            args=[draft_service.pk, state.pk],
        )
    )
    assert reason in history.content.decode()


def test_editor_and_other_region_staff_cannot_approve(
    client, editor, other_editor, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    for user in (editor, other_editor):
        client.force_login(user)
        response = client.post(action_url(draft_service, "approve", state), {"comment": ""})
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url.startswith("/admin/login") or response.url == "/admin/"
    state.refresh_from_db()
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS
    draft_service.refresh_from_db()
    assert not draft_service.live


def test_editor_cannot_publish_through_any_admin_url(client, editor, draft_service, submit_data):
    client.force_login(editor)
    client.post(edit_url(draft_service), submit_data(draft_service, action="action-publish"))
    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    client.post(f"{bulk}?id={draft_service.pk}", {})
    revision = draft_service.get_latest_revision()
    client.post(
        reverse("wagtailadmin_pages:revisions_revert", args=[draft_service.pk, revision.pk]),
        submit_data(draft_service, action="action-publish"),
    )
    draft_service.refresh_from_db()
    assert not draft_service.live
