"""The reviewer's comparison of the version awaiting review with the live version."""

import json
import re

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

    # Wagtail's own comparison (the dashboard's and the history's links) opens for the reviewer.
    latest = page.get_latest_revision()
    wagtail_compare = reverse(
        "wagtailadmin_pages:revisions_compare", args=[page.pk, "live", latest.pk]
    )
    client.force_login(reviewer)
    response = client.get(wagtail_compare)
    assert response.status_code == 200
    assert '<span class="deletion">Выплата' in response.content.decode()

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


def test_new_service_comparison_shows_every_field_and_block_as_added(
    client, editor, reviewer, draft_service, submit_data, consenting_curator
):
    submit(client, editor, draft_service, submit_data(draft_service))
    client.force_login(reviewer)
    response = client.get(compare_url(draft_service))
    assert response.status_code == 200
    html = response.content.decode()
    assert "never been published" in html or "не публиковалась" in html
    fields = {c.field.name for c in response.context["comparison"]}
    assert {"title", "service_code", "code_level", "category", "summary", "body"} <= fields
    # Everything is added, nothing deleted: not even the service level's default.
    assert '<span class="deletion">' not in html
    for shown in (
        '<span class="addition">Пособие при рождении ребёнка</span>',
        '<span class="addition">Семья и дети</span>',
        "Подайте заявление онлайн.",
        "Рассмотрение",
        str(consenting_curator),
    ):
        assert shown in html
    assert 'class="comparison__child-object addition"' in html


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


def wagtail_compare_links(html):
    return re.findall(r'href="(/admin/pages/\d+/revisions/compare/[^"]+)"', html)


def test_reviewer_opens_the_dashboards_comparisons_of_a_resubmitted_page(
    client, editor, reviewer, draft_service, submit_data
):
    page = publish_live_version(draft_service)
    state = submit(client, editor, page, submit_data(page))
    client.force_login(reviewer)
    client.post(action_url(page, "reject", state), {"comment": "Поправьте срок."})
    submit(client, editor, page, submit_data(page, days=8))

    client.force_login(reviewer)
    links = wagtail_compare_links(client.get(reverse("wagtailadmin_home")).content.decode())
    assert len(set(links)) >= 2  # with the live version, and with the previous version
    for link in set(links):
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.context["comparison"], link


def test_wagtails_comparison_stays_closed_to_others(
    client, editor, other_editor, reviewer, draft_service, submit_data
):
    page = publish_live_version(draft_service)
    page.summary = "Черновик."
    page.save_revision()
    url = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[page.pk, "live", page.get_latest_revision().pk],
    )
    # Not in review: the reviewer has no task on it.
    client.force_login(reviewer)
    assert refused(client.get(url))
    submit(client, editor, page, submit_data(page))
    client.force_login(other_editor)
    assert refused(client.get(url))
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    # Another page's revision, or a made-up one, is not found.
    for revision in ("999999", "0"):
        other = reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, "live", revision])
        assert client.get(other).status_code == 404
