"""The reviewer's comparison of the version awaiting review with the live version."""

import json

from django.urls import reverse
from wagtail.models import WorkflowState

from tests.review.test_workflow import action_url, submit

LIVE_SUMMARY = "Выплата семьям с новорождёнными."


def compare_url(page):
    return reverse("review_compare", args=[page.pk])


def refused(response):
    """Wagtail's admin answers a PermissionDenied with a redirect home and a message."""
    if response.status_code == 302:
        return response.url == reverse("wagtailadmin_home")
    return response.status_code == 403


def publish_live_version(page):
    page.summary = LIVE_SUMMARY
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_reviewer_sees_what_changed_since_the_live_version(
    client, editor, reviewer, draft_service, submit_data
):
    page = publish_live_version(draft_service)
    state = submit(client, editor, page, submit_data(page))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    # Wagtail's own comparison needs a page permission, which reviewers do not have.
    latest = page.get_latest_revision()
    wagtail_compare = reverse(
        "wagtailadmin_pages:revisions_compare", args=[page.pk, "live", latest.pk]
    )
    client.force_login(reviewer)
    assert refused(client.get(wagtail_compare))

    queue = client.get(reverse("review_queue")).content.decode()
    assert compare_url(page) in queue
    assert compare_url(page) in client.get(reverse("wagtailadmin_home")).content.decode()

    response = client.get(compare_url(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="deletion">' in html and '<span class="addition">' in html
    (summary,) = [c for c in response.context["comparison"] if c.field.name == "summary"]
    diff = str(summary.htmldiff())
    assert '<span class="deletion">' in diff and '<span class="addition">' in diff
    assert "Выплата" in diff and "Пособие" in diff
    assert diff in html
    preview = reverse(
        "wagtailadmin_pages:workflow_preview", args=[page.pk, state.current_task_state.task_id]
    )
    assert preview in html
    assert client.get(preview).status_code == 200
    # The reviewer's comment goes with the decision.
    client.post(action_url(page, "approve", state), {"comment": "Проверено."})
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_new_service_comparison_says_it_was_never_published(
    client, editor, reviewer, draft_service, submit_data
):
    submit(client, editor, draft_service, submit_data(draft_service))
    client.force_login(reviewer)
    response = client.get(compare_url(draft_service))
    assert response.status_code == 200
    assert response.context["comparison"] == []
    assert "never been published" in response.content.decode() or (
        "не публиковалась" in response.content.decode()
    )


def test_regional_editors_are_refused_the_comparison(
    client, editor, other_editor, draft_service, submit_data
):
    page = publish_live_version(draft_service)
    submit(client, editor, page, submit_data(page))
    for user in (editor, other_editor):
        client.force_login(user)
        assert refused(client.get(compare_url(page)))


def test_reviewer_is_refused_for_a_page_not_awaiting_review(
    client, editor, reviewer, draft_service, submit_data
):
    page = publish_live_version(draft_service)
    client.force_login(reviewer)
    assert refused(client.get(compare_url(page)))
    # Sent back by the quality check: waiting for its editor, not for a reviewer.
    state = submit(client, editor, page, submit_data(page, days=30))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    client.force_login(reviewer)
    assert refused(client.get(compare_url(page)))


def test_reviewer_comments_inline_in_the_editor_and_the_editor_sees_it(
    client, editor, reviewer, draft_service, submit_data
):
    page = publish_live_version(draft_service)
    state = submit(client, editor, page, submit_data(page))
    client.force_login(reviewer)
    data = submit_data(page, action="unused")
    del data["unused"]
    text = "Уточните срок выплаты для второго ребёнка."
    data.update(
        {
            "comments-TOTAL_FORMS": "1",
            "comments-0-DELETE": "",
            "comments-0-resolved": "",
            "comments-0-id": "",
            "comments-0-contentpath": "summary",
            "comments-0-text": text,
            "comments-0-position": "",
            "comments-0-replies-TOTAL_FORMS": "0",
            "comments-0-replies-INITIAL_FORMS": "0",
            "comments-0-replies-MIN_NUM_FORMS": "0",
            "comments-0-replies-MAX_NUM_FORMS": "0",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    comment = page.wagtail_admin_comments.get()
    assert (comment.text, comment.user) == (text, reviewer)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    # The editor's page editor carries the comment (in its JSON comments data).
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert json.dumps(text)[1:-1] in html
