"""Whatever refuses a submission for review shows in the quality panel first, named in words.

The editor used to see «the page could not be saved» while the panel said 100 of 100: an empty
consent text and a key used both in a group and outside it refused the page, and nothing said
where. Each check that can refuse is now a quality rule, and the refusal names step and field.
"""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, streamfield

from constructor.review.quality import score_page
from constructor.services.models import ServicePage
from tests.formbuilder.helpers import field, step

NO_CONDITION = {"field": "", "operator": "equals", "value": ""}


def field_post(type_, key, label, **options):
    value = {"key": key, "label": label, "hint": "", "required": "on", "condition": NO_CONDITION}
    value.update(options)
    return (type_, value)


def form_post(*fields, title="Контакты"):
    return streamfield(
        [
            (
                "step",
                {
                    "key": "",
                    "title": title,
                    "intro": "",
                    "condition": NO_CONDITION,
                    "fields": streamfield(list(fields)),
                },
            )
        ]
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def post(client, page, data, form, *, submit):
    data = {key: value for key, value in data.items() if not key.startswith("application_form")}
    data.update(nested_form_data({"application_form": form}))
    if not submit:
        data.pop("action-submit", None)
    return client.post(edit_url(page), data)


def panel_text(client, page):
    body = client.get(edit_url(page)).content.decode()
    panel = re.search(r'<div class="quality-panel">(.*?)</div>\s*</div>', body, re.S)
    return html.unescape(panel.group(1) if panel else body)


def top_messages(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def failing(page, code):
    result = next(r for r in score_page(page).results if r.rule.code == code)
    return result.problems


def where(step_title, field_label):
    """«Шаг «…», поле «…»», as the editor's language says it."""
    with translation.override("ru"):
        step_name = _("step «%(name)s»") % {"name": step_title}
        field_name = _("field «%(name)s»") % {"name": field_label}
    return f"{step_name[:1].upper()}{step_name[1:]}, {field_name}"


def latest(page):
    return ServicePage.objects.get(pk=page.pk).get_latest_revision_as_object()


CONSENT_WITHOUT_TEXT = form_post(
    field_post("phone", "", "Телефон"),
    field_post("consent", "", "Согласие на обработку данных", text=""),
)


def test_an_empty_consent_text_is_in_the_panel_before_the_editor_submits(
    client, editor, draft_service, submit_data
):
    client.force_login(editor)
    draft = post(
        client, draft_service, submit_data(draft_service), CONSENT_WITHOUT_TEXT, submit=False
    )
    assert draft.status_code == 302  # a draft may wait for its consent text

    with translation.override("ru"):
        part = _("Consent text")
    panel = panel_text(client, draft_service)
    assert f"{where('Контакты', 'Согласие на обработку данных')}, «{part}»" in panel
    # The link leads to the consent text's own input (the editor's script opens its tab).
    consent_text = "application_form-0-value-fields-1-value-text"
    problems = failing(latest(draft_service), "form_blocks")
    assert [problem.link for problem in problems] == [f"#{consent_text}"]
    assert f'href="#{consent_text}"' in client.get(edit_url(draft_service)).content.decode()

    refused = post(
        client, draft_service, submit_data(draft_service), CONSENT_WITHOUT_TEXT, submit=True
    )
    assert refused.status_code == 200
    # The message at the top names the step and the field, as the panel did.
    assert where("Контакты", "Согласие на обработку данных") in top_messages(refused)
    assert refused.context["form"].non_field_errors() == [str(problems[0].message)]
    assert WorkflowState.objects.filter(object_id=str(draft_service.pk)).count() == 0


def test_a_duplicate_key_is_in_the_panel_with_both_fields_named(draft_service):
    page = latest(draft_service)
    page.application_form = [
        step("contacts", field("phone", "phone", "Телефон"), field("email", "phone", "Почта")),
        step("more", field("text", "comment", "Комментарий")),
    ]
    page.save_revision()
    [problem] = failing(latest(draft_service), "form_blocks")
    assert problem.message.startswith(where("contacts", "Почта"))
    assert "phone" in problem.message and "«Телефон»" in problem.message
    assert problem.link == "#application_form-0-value-fields-1-value-key"


def test_a_key_in_a_group_and_outside_it_no_longer_refuses_the_submission(
    client, editor, draft_service, submit_data
):
    group = field_post(
        "group",
        "children",
        "Дети",
        min_items="1",
        max_items="3",
        fields=streamfield([field_post("text", "name", "Имя ребёнка", max_length="")]),
    )
    form = form_post(field_post("text", "name", "Имя заявителя", max_length=""), group)
    client.force_login(editor)
    response = post(client, draft_service, submit_data(draft_service), form, submit=True)
    assert response.status_code == 302, top_messages(response)
    assert WorkflowState.objects.filter(object_id=str(draft_service.pk)).exists()


def test_an_empty_summary_saved_as_a_draft_is_in_the_panel(
    client, editor, draft_service, submit_data
):
    client.force_login(editor)
    data = submit_data(draft_service)
    data["summary"] = ""
    assert post(client, draft_service, data, streamfield([]), submit=False).status_code == 302
    [problem] = failing(latest(draft_service), "required_fields")
    assert problem.link == "#id_summary"
    assert "«" in problem.message and problem.message in panel_text(client, draft_service)
    refused = post(client, draft_service, data, streamfield([]), submit=True)
    assert refused.status_code == 200
    assert "summary" in refused.context["form"].errors


@pytest.fixture
def integration(db):
    from constructor.integrations.models import Agency, Integration

    return Integration.objects.create(
        agency=Agency.objects.create(name="СФР", short_name="СФР", code="sfr-submission"),
        name="Пособия",
        code="benefits-submission",
        endpoint_url="http://127.0.0.1:9/benefits/",
        payload_schema={
            "type": "object",
            "required": ["phone"],
            "properties": {"phone": {"type": "string"}},
        },
        hmac_secret="test-secret",
    )


def test_every_refusal_of_a_submission_was_in_the_panel_first(
    client, editor, draft_service, submit_data, integration
):
    """Consent text, a typed duplicate key, an empty summary and a mapping error at once."""
    form = form_post(
        field_post("phone", "telefon", "Телефон"),
        field_post("email", "telefon", "Почта", max_length=""),
        field_post("consent", "", "Согласие", text=""),
    )
    data = submit_data(draft_service)
    data["summary"] = ""
    data["integration"] = str(integration.pk)
    client.force_login(editor)
    assert post(client, draft_service, data, form, submit=False).status_code == 302

    page = latest(draft_service)
    assert failing(page, "payload_mapping")  # /phone is unmapped
    assert failing(page, "required_fields")
    assert len(failing(page, "form_blocks")) == 2
    assert not score_page(page).passes_review
    panel = panel_text(client, draft_service)

    refused = post(client, draft_service, data, form, submit=True)
    assert refused.status_code == 200
    named = refused.context["form"].non_field_errors()
    assert len(named) == 2
    for problem in named:
        assert problem in panel
    for name in refused.context["form"].errors:
        if name != "__all__":
            assert name in ("summary", "application_form")
