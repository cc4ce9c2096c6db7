"""The audit log: each review step, registry use and staff read of answers, region-scoped."""

from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry

from constructor.applications.submission import submit_draft
from tests.applications.conftest import citizen, citizen_factory, form_service  # noqa: F401
from tests.review.test_workflow import action_url, submit

AUDIT = reverse("audit_log")


def audit_html(client, user, **params):
    client.force_login(user)
    response = client.get(AUDIT, params)
    assert response.status_code == 200
    return response.content.decode()


def test_submit_approve_and_publish_are_logged_and_shown_to_the_region(
    client, editor, other_editor, reviewer, draft_service, submit_data
):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    client.force_login(reviewer)
    client.post(action_url(draft_service, "approve", state), {"comment": ""})
    actions = set(PageLogEntry.objects.filter(page=draft_service).values_list("action", flat=True))
    assert {"wagtail.workflow.start", "wagtail.workflow.approve", "wagtail.publish"} <= actions
    approvals = PageLogEntry.objects.filter(page=draft_service, action="wagtail.workflow.approve")
    # The quality check approves first, within the editor's submit request, then the reviewer.
    assert [entry.user for entry in approvals.order_by("timestamp", "pk")] == [editor, reviewer]

    assert draft_service.title in audit_html(client, reviewer)
    assert draft_service.title in audit_html(client, editor)
    assert draft_service.title not in audit_html(client, other_editor)


def test_rejection_reason_is_in_the_log(client, editor, reviewer, draft_service, submit_data):
    state = submit(client, editor, draft_service, submit_data(draft_service))
    client.force_login(reviewer)
    client.post(action_url(draft_service, "reject", state), {"comment": "Нет адреса МФЦ."})
    entry = PageLogEntry.objects.get(page=draft_service, action="wagtail.workflow.reject")
    assert entry.user == reviewer
    assert entry.data["comment"] == "Нет адреса МФЦ."


def test_creating_a_service_from_a_standard_is_logged(client, editor, region, review_standard):
    client.force_login(editor)
    response = client.post(
        reverse("registry_create_from_standard"),
        {"standard": review_standard.pk, "region": region.pk},
    )
    assert response.status_code == 302
    entry = PageLogEntry.objects.get(action="review.create_from_standard")
    assert entry.user == editor and entry.data["code"] == review_standard.code
    assert "Created from a registry standard" in audit_html(
        client, editor, action="review.create_from_standard"
    ) or "стандарт" in audit_html(client, editor, action="review.create_from_standard")


def test_wagtail_site_history_address_is_scoped_to_the_region_too(
    client, editor, other_editor, reviewer, draft_service, submit_data
):
    submit(client, editor, draft_service, submit_data(draft_service))
    site_history = reverse("wagtailadmin_reports:site_history")
    reader = client.__class__()  # no flash messages left over from the editor's submit
    reader.force_login(other_editor)
    assert draft_service.title not in reader.get(site_history).content.decode()
    reader.force_login(reviewer)
    assert draft_service.title in reader.get(site_history).content.decode()
    reader.logout()
    assert reader.get(site_history).status_code == 302  # to the admin login


def test_staff_reads_and_exports_of_answers_are_logged_for_their_region_only(
    client,
    editor,
    other_editor,
    federal_admin,
    citizen,  # noqa: F811
):
    application = submit_draft(citizen.filled_draft())
    client.force_login(editor)
    client.get(reverse("applications_admin_detail", args=[application.number]))
    client.get(reverse("applications_admin_export"))
    entries = ModelLogEntry.objects.filter(object_id=str(application.pk))
    assert sorted(entries.values_list("action", flat=True)) == [
        "review.answers_export",
        "review.answers_view",
    ]
    assert {entry.user for entry in entries} == {editor}
    assert application.number in audit_html(client, editor, action="review.answers_view")
    assert application.number in audit_html(client, federal_admin, action="review.answers_view")
    assert application.number not in audit_html(client, other_editor)


def test_audit_log_exports_as_csv(client, editor, reviewer, draft_service, submit_data):
    submit(client, editor, draft_service, submit_data(draft_service))
    client.force_login(reviewer)
    response = client.get(AUDIT, {"export": "csv"})
    assert response.status_code == 200
    assert draft_service.title in b"".join(response.streaming_content).decode("utf-8-sig")


def test_regional_staff_get_the_scoped_audit_log_in_the_reports_menu(client, editor, reviewer):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert AUDIT in html and reverse("wagtailadmin_reports:site_history") not in html
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert AUDIT in html
