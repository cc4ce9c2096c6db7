"""Turning a finished draft into an application: validate, number, encrypt, store, once.

The wizard replays the draft through the step forms whenever a step is saved and keeps the
outcome (answers, complete or not) in the draft's sealed state; submission validates those
answers as a whole against the FormVersion's cached JSON Schema validator, whose formats and
keywords run the same field validators as the step forms.

``submit_draft`` locks the draft row first, so a double click, a resent POST or two tabs
submitting at once all end with the one application the first of them created.

When the live service page names an active integration, the application's ``Delivery`` and
the task that sends it are stored in the same transaction (constructor/integrations/delivery/
attempts.py): committed together or not at all, and the agency is never called from here. The
page row holds the live version (drafts live in revisions), so its integration and mapping are
what the citizen applied through.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from constructor.applications.models import Application, ApplicationDraft
from constructor.applications.numbers import allocate_number
from constructor.applications.progress import summarise
from constructor.formbuilder.validation import validate_answers
from constructor.integrations.delivery.attempts import create_delivery
from constructor.integrations.models import Integration
from constructor.integrations.proof.mapping import rules_from_stream
from constructor.review.pilot import is_pilot_page
from constructor.services.models import ServicePage


def live_integration_id(page_id):
    """The id of the active integration the service page's live version names, or None.

    The page's own column first, without Page's ordering (which joins its parent table): most
    services name no integration, and submitting to them pays for this one cheap query only.
    """
    integration_id = (
        ServicePage.objects.filter(pk=page_id)
        .order_by()
        .values_list("integration_id", flat=True)
        .first()
    )
    if integration_id is None:
        return None
    if not Integration.objects.filter(pk=integration_id, is_active=True).exists():
        return None  # switched off: applications stay with the officials
    return integration_id


def mapping_snapshot(page_id):
    """The live page's mapping rules, normalised (``rules_from_stream``), as plain data."""
    page = ServicePage.objects.only("payload_mapping").get(pk=page_id)
    return rules_from_stream(list(page.payload_mapping.raw_data))


class IncompleteDraft(ValidationError):
    """The draft cannot be submitted yet; ``step`` is where the citizen should go."""

    def __init__(self, message, step=None, problems=()):
        super().__init__(message)
        self.step = step
        self.problems = list(problems)


def store_application(draft, answers, region, now=None):
    """Insert the numbered, encrypted application for ``draft`` and its delivery, if any.

    Call inside a transaction: the delivery's task row must commit with the application.
    """
    now = now or timezone.now()
    application = Application(
        number=allocate_number(region, timezone.localdate(now).year),
        page_id=draft.page_id,
        form_version_id=draft.form_version_id,
        region=region,
        submitted_at=now,
        pilot=is_pilot_page(draft.page_id),
    )
    application.seal_answers(answers)
    application.save()
    draft.application = application
    draft.save(update_fields=["application", "updated_at"])
    integration_id = live_integration_id(draft.page_id)
    if integration_id is not None:  # else no active integration: it stays with the officials
        create_delivery(application, integration_id, mapping_snapshot(draft.page_id))
    return application


def submit_draft(draft):
    """Validate the whole answer and store the application; the same draft gives the same one."""
    with transaction.atomic():
        draft = (
            ApplicationDraft.objects.select_for_update(of=("self",))
            .select_related("form_version", "region")
            .defer("form_version__schema")  # the cached validator needs only the id and hash
            .get(pk=draft.pk)
        )
        if draft.application_id:
            return draft.application
        version = draft.form_version
        state = draft.open_answers()
        summary = state.get("summary")
        if summary is None:
            summarise(version, draft, state)
            summary = state["summary"]
        if not summary["complete"]:
            raise IncompleteDraft(
                _("Some answers are missing. Complete this step to continue."),
                step=summary["first_incomplete"],
            )
        problems = validate_answers(version, summary["answers"])
        if problems:
            raise IncompleteDraft(
                _("Some answers need checking before you can send the application."),
                step=version.layout_steps()[0]["key"],
                problems=problems,
            )
        return store_application(draft, summary["answers"], draft.region)
