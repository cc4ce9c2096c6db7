"""The publish gate on every path that puts a service page live, not only the page editor.

A page whose mapping (or form) fails stays as it was: a live page keeps its live version, a
draft stays a draft. A page that passes goes live.
"""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.revert_to_page_revision import RevertToPageRevisionAction
from wagtail.models import Page, PageLogEntry, Revision

from constructor.formbuilder.models import FormVersion
from constructor.services.models import ServicePage
from constructor.services.publish_gate import PublishRefused
from constructor.services.scheduled_publishing import REFUSED_ACTION
from tests.formbuilder.helpers import field, step
from tests.integrations.mapping_helpers import rule

PAYLOAD_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["last_name", "number"],
    "properties": {
        "last_name": {"type": "string", "title": "Фамилия заявителя"},
        "number": {"type": "string", "title": "Номер заявления"},
    },
}
FORM = [step("applicant", field("text", "surname", "Фамилия", max_length=100))]
# A step with no field: the form checks refuse it.
BROKEN_FORM = [step("applicant", title="Сведения о заявителе")]


GOOD_RULES = [rule("/last_name", "surname"), rule("/number", source="system", system="number")]
BAD_RULES = [rule("/last_name", "surname")]  # the required /number is left unmapped
UNMAPPED_NUMBER = "Номер заявления"  # the checker names the agency field it cannot fill
NEWLY_REQUIRED = "СНИЛС заявителя"


@pytest.fixture
def integration(db):
    from constructor.integrations.models import Agency, Integration

    agency = Agency.objects.create(name="Социальный фонд России", short_name="СФР", code="sfr")
    return Integration.objects.create(
        agency=agency,
        name="Единое пособие",
        code="allowance-gate-test",
        endpoint_url="http://127.0.0.1:9/allowance/",
        payload_schema=PAYLOAD_SCHEMA,
        hmac_secret="test-secret",
    )


@pytest.fixture
def official(region, make_user):
    user = make_user("kaluga-official", region.editors)
    user.email = "official@kaluga.example"
    user.save()
    return user


def with_content(page, *, integration=None, rules=(), form=FORM, **attributes):
    """The page's latest revision as an object, changed as given (not saved)."""
    page = page.get_latest_revision_as_object()
    page.integration = integration
    page.payload_mapping = list(rules)
    page.application_form = form
    for name, value in attributes.items():
        setattr(page, name, value)
    return page


def new_revision(page, user=None, approved_go_live_at=None, **content):
    return with_content(page, **content).save_revision(
        user=user, approved_go_live_at=approved_go_live_at
    )


@pytest.fixture
def live_service(region, category, make_service, integration, official):
    """A live service mapped onto the agency, owned by the official."""
    page = make_service(region, "Единое пособие на детей", category, "4000000031")
    page.owner = official
    page.save(update_fields=["owner"])
    new_revision(page, official, integration=integration, rules=GOOD_RULES).publish()
    return ServicePage.objects.get(pk=page.pk)


@pytest.fixture
def draft_service(region, category, make_service, integration):
    page = make_service(region, "Охотничий билет", category, "4000000032", live=False)
    new_revision(page, integration=integration, rules=GOOD_RULES)
    return ServicePage.objects.get(pk=page.pk)


def tighten_agency_schema(integration):
    """The agency now requires a field no rule fills: every mapping onto it fails from now on."""
    schema = dict(PAYLOAD_SCHEMA, required=[*PAYLOAD_SCHEMA["required"], "snils"])
    schema["properties"] = dict(
        PAYLOAD_SCHEMA["properties"], snils={"type": "string", "title": NEWLY_REQUIRED}
    )
    integration.payload_schema = schema
    integration.save()


def state(page):
    """What citizens get from the page: live or not, which version, which mapping and forms."""
    fresh = ServicePage.objects.get(pk=page.pk)
    return (
        fresh.live,
        fresh.live_revision_id,
        fresh.title,
        fresh.payload_mapping.get_prep_value(),
        list(FormVersion.objects.filter(page=page).values_list("pk", flat=True)),
    )


# Direct publishing (a script, revision.publish())


def test_publishing_a_revision_directly_is_refused_and_the_live_version_stays(live_service):
    before = state(live_service)
    revision = new_revision(
        live_service,
        integration=live_service.integration,
        rules=BAD_RULES,
        form=[step("applicant", field("text", "surname", "Фамилия"), field("email", "email"))],
    )
    with pytest.raises(PublishRefused) as refused:
        revision.publish()
    assert UNMAPPED_NUMBER in " ".join(refused.value.message_dict["payload_mapping"])
    assert state(live_service) == before  # no new live revision, mapping or FormVersion
    assert not PageLogEntry.objects.filter(revision=revision, action="wagtail.publish").exists()

    good = new_revision(live_service, integration=live_service.integration, rules=GOOD_RULES)
    good.publish()
    assert ServicePage.objects.get(pk=live_service.pk).live_revision_id == good.pk


def test_a_form_with_errors_is_refused_like_a_broken_mapping(region, category, make_service):
    page = make_service(region, "Запись в кружок", category, "4000000033", live=False)
    revision = new_revision(page, form=BROKEN_FORM)
    with pytest.raises(PublishRefused) as refused:
        revision.publish()
    (message,) = refused.value.message_dict["application_form"]
    assert "«Сведения о заявителе»" in message
    assert not ServicePage.objects.get(pk=page.pk).live


def test_a_page_created_live_in_code_must_pass_too(region, category, integration):
    home = region.home_page
    children = home.get_children_count()
    page = ServicePage(
        title="Путёвка в лагерь",
        slug="camp",
        service_code="4000000034",
        category=category,
        agency="Министерство образования",
        summary="Путёвка в лагерь.",
        application_form=FORM,
        integration=integration,
        payload_mapping=BAD_RULES,
    )
    with pytest.raises(PublishRefused):
        home.add_child(instance=page)
    assert not ServicePage.objects.filter(slug="camp").exists()
    assert Page.objects.get(pk=home.pk).get_children_count() == children


def test_a_schema_change_refuses_the_next_publication_of_an_unchanged_mapping(live_service):
    tighten_agency_schema(live_service.integration)
    revision = new_revision(
        live_service, integration=live_service.integration, rules=GOOD_RULES, title="Новое"
    )
    before = state(live_service)
    with pytest.raises(PublishRefused):
        revision.publish()
    assert state(live_service) == before


def test_writing_a_broken_mapping_straight_onto_the_live_row_is_refused(live_service):
    before = state(live_service)
    page = ServicePage.objects.get(pk=live_service.pk)
    page.payload_mapping = BAD_RULES
    with pytest.raises(PublishRefused):
        page.save()
    assert state(live_service) == before

    # Saving what is live unchanged (a rename, a move) is no publication, even once the
    # agency's schema no longer fits: the gate meets that page at its next publication.
    tighten_agency_schema(live_service.integration)
    page = ServicePage.objects.get(pk=live_service.pk)
    page.title = "Единое пособие"
    page.save()
    assert ServicePage.objects.get(pk=live_service.pk).title == "Единое пособие"


# Scheduled publishing


def test_a_refused_scheduled_publication_is_cancelled_and_told_to_the_editor(
    live_service,
    draft_service,
    integration,
    official,
    moderator,
    django_capture_on_commit_callbacks,
):
    moderator.email = "moderator@kaluga.example"
    moderator.save()
    past = timezone.now() - timedelta(minutes=5)
    refused = new_revision(
        live_service,
        official,
        approved_go_live_at=past - timedelta(minutes=1),  # due first: the loop meets it first
        integration=live_service.integration,
        rules=BAD_RULES,
        go_live_at=past,
    )
    passing = new_revision(
        draft_service,
        moderator,
        approved_go_live_at=past,
        integration=integration,
        rules=GOOD_RULES,
        go_live_at=past,
    )
    before = state(live_service)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")

    assert state(live_service) == before
    refused.refresh_from_db()
    assert refused.approved_go_live_at is None  # cancelled, not retried on the next run
    entry = PageLogEntry.objects.get(page=live_service, action=REFUSED_ACTION)
    assert entry.revision_id == refused.pk
    assert UNMAPPED_NUMBER in entry.comment
    assert entry.message  # the history reads the refusal

    published = ServicePage.objects.get(pk=draft_service.pk)
    assert published.live and published.live_revision_id == passing.pk

    (message,) = mail.outbox
    assert message.to == [official.email]  # the revision's author, who also owns the page
    assert "Единое пособие на детей" in message.subject
    assert "4000000031" in message.body and UNMAPPED_NUMBER in message.body
    assert reverse("wagtailadmin_pages:edit", args=[live_service.pk]) in message.body

    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")
    assert len(mail.outbox) == 1
    assert PageLogEntry.objects.filter(action=REFUSED_ACTION).count() == 1


def test_a_refused_first_publication_leaves_the_draft_a_draft(
    draft_service, integration, official, django_capture_on_commit_callbacks
):
    past = timezone.now() - timedelta(minutes=5)
    new_revision(
        draft_service,
        official,
        approved_go_live_at=past,
        integration=integration,
        rules=BAD_RULES,
        go_live_at=past,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")
    assert not ServicePage.objects.get(pk=draft_service.pk).live
    (message,) = mail.outbox
    assert message.to == [official.email]
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()


# The explorer's bulk publish


def test_bulk_publish_refuses_the_failing_page_and_publishes_the_others(
    client, federal_admin, live_service, draft_service
):
    new_revision(live_service, integration=live_service.integration, rules=BAD_RULES)
    before = state(live_service)
    client.force_login(federal_admin)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    query = f"?next=/admin/&id={live_service.pk}&id={draft_service.pk}"
    response = client.post(url + query, {})
    assert response.status_code == 302
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(live_service.title in text and UNMAPPED_NUMBER in text for text in texts)
    assert state(live_service) == before
    assert ServicePage.objects.get(pk=draft_service.pk).live


# Revert, then publish


def test_reverting_to_an_old_broken_revision_cannot_be_published(live_service, federal_admin):
    old = new_revision(live_service, integration=live_service.integration, rules=BAD_RULES)
    new_revision(live_service, integration=live_service.integration, rules=GOOD_RULES).publish()
    page, before = ServicePage.objects.get(pk=live_service.pk), state(live_service)

    reverted = RevertToPageRevisionAction(page, old, user=federal_admin).execute()
    with pytest.raises(PublishRefused):
        reverted.publish(user=federal_admin, previous_revision=old)
    assert state(live_service) == before

    first = live_service.revisions.order_by("created_at").first()  # no integration, no rules
    reverted = RevertToPageRevisionAction(page, first, user=federal_admin).execute()
    reverted.publish(user=federal_admin, previous_revision=first)
    fresh = ServicePage.objects.get(pk=live_service.pk)
    assert fresh.live_revision_id == reverted.pk and fresh.integration_id is None


# Copies


def test_a_copy_of_a_service_is_a_draft_even_when_asked_to_keep_it_live(live_service):
    copy = live_service.copy(
        to=live_service.get_parent(),
        update_attrs={"slug": "copy", "title": "Копия"},
        keep_live=True,
    )
    copy = ServicePage.objects.get(pk=copy.pk)
    assert not copy.live and copy.live_revision_id is None
    assert not FormVersion.objects.filter(page=copy).exists()
    assert ServicePage.objects.get(pk=live_service.pk).live


def test_the_copy_form_offers_neither_publishing_nor_an_alias(client, federal_admin, live_service):
    client.force_login(federal_admin)
    url = reverse("wagtailadmin_pages:copy", args=[live_service.pk])
    form = client.get(url).context["form"]
    assert "publish_copies" not in form.fields and "alias" not in form.fields
    response = client.post(
        url,
        {
            "new_title": "Копия",
            "new_slug": "copy",
            "new_parent_page": live_service.get_parent().pk,
            "publish_copies": "on",
            "alias": "on",
        },
    )
    assert response.status_code == 302
    copy = ServicePage.objects.get(slug="copy")
    assert not copy.live and copy.alias_of_id is None


def test_a_copy_kept_live_by_the_copy_action_must_pass_the_gate(live_service, federal_admin):
    parent = live_service.get_parent()
    children = parent.get_children_count()
    tighten_agency_schema(live_service.integration)
    with pytest.raises(PublishRefused):
        CopyPageAction(
            live_service, to=parent, update_attrs={"slug": "copy"}, keep_live=True
        ).execute()
    assert not Page.objects.filter(slug="copy").exists()
    assert Page.objects.get(pk=parent.pk).get_children_count() == children

    live_service.integration.payload_schema = PAYLOAD_SCHEMA
    live_service.integration.save()
    copy = CopyPageAction(
        live_service, to=parent, update_attrs={"slug": "copy"}, keep_live=True
    ).execute()
    assert ServicePage.objects.get(pk=copy.pk).live


# The admin API


def test_the_admin_api_publish_answers_400_with_the_problems(client, federal_admin, live_service):
    new_revision(live_service, integration=live_service.integration, rules=BAD_RULES)
    before = state(live_service)
    client.force_login(federal_admin)
    url = reverse("wagtailadmin_api:pages:action", args=[live_service.pk, "publish"])
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400
    assert UNMAPPED_NUMBER in " ".join(response.json()["payload_mapping"])
    assert state(live_service) == before
