"""The publish gate: a service page goes live only when its form and its mapping pass their checks.

Invariants 3 and 4: what citizens fill in is a form the editor checks accept, and what the
agency receives is proven against its schema. The page editor runs both checks on publish and
shows each error beside its block or rule, but Wagtail has many other ways to put a page live:
scheduled publishing (``manage.py publish_scheduled``), the explorer's bulk "Publish", a revert
then publish, the workflow's finish action, the admin API, ``page.save_revision().publish()``
in a script, a copy kept live. Every one of them ends in the same write: the page row saved
live with new content. ``PublishRevisionAction._publish_revision`` calls ``save()`` on the
revision's content with ``live=True`` and the new ``live_revision``; ``CopyPageAction`` adds
the copy's row live. ``ServicePage.save`` asks ``goes_live`` and runs ``check_publishable``
right before that write, so only a raw queryset update gets around it.

Why there and not elsewhere: Wagtail has no signal or hook before publishing (``page_published``
comes after the write, and outside any transaction on some paths), and its views build
``PublishPageRevisionAction`` and ``CopyPageAction`` themselves instead of looking them up in
Wagtail's action registry, so a subclassed action would miss most paths.

What is checked is the page object being written (for a publish, the revision's content) with
the integration's payload schema as it is now. A page whose form has errors is not run through
the mapping check, as in the editor: the form's own problems come first.

A refusal raises ``PublishRefused``, a ``ValidationError`` keyed by the editor's fields (the
admin API answers it with a 400 listing them). Callers that must go on decide what follows:
the bulk publish refuses that page and publishes the others (``bulk_publish``), a scheduled
go-live is cancelled and reported to the editor (``scheduled_publishing``), and the federal
review sends the page back to its editor (``review.models.FederalReviewTask``).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from constructor.formbuilder.checks import check_form
from constructor.services.mapping import (
    NO_FORM,
    NO_INTEGRATION,
    errors,
    page_problems,
    stream_data,
)

# A save that writes one of these on a live page can change what citizens get.
GATED_FIELDS = frozenset(
    {"live", "live_revision", "integration", "application_form", "payload_mapping"}
)
GATED_STREAMS = ("application_form", "payload_mapping")


class PublishRefused(ValidationError):
    """The gate's refusal: what the checks found, keyed by the editor field it belongs to."""

    def __init__(self, page, problems):
        self.page = page
        self.problems = problems
        super().__init__(problems)

    def __str__(self):
        return _("«%(title)s» cannot be published: %(problems)s") % {
            "title": self.page.title,
            "problems": " ".join(self.messages),
        }


def form_problem(steps, path, message):
    """A form check's message with the step it is in, for a reader away from the editor."""
    if not path or not 0 <= path[0] < len(steps):
        return _("Application form: %(message)s") % {"message": message}
    return _("Application form, step %(n)d «%(step)s»: %(message)s") % {
        "n": path[0] + 1,
        "step": (steps[path[0]].get("value") or {}).get("title") or "",
        "message": message,
    }


def publish_problems(page):
    """``{field: [message, ...]}`` of what keeps the page from going live; empty when nothing."""
    form_raw = stream_data(page.application_form)
    steps = [step for step in form_raw if step.get("type") == "step"]
    form = [form_problem(steps, path, message) for path, message in check_form(form_raw)]
    if form:
        return {"application_form": form}
    found = {}
    for problem in errors(page_problems(page)):
        field = "integration" if problem.code in (NO_FORM, NO_INTEGRATION) else "payload_mapping"
        found.setdefault(field, []).append(str(problem.message))
    return found


def publish_refusal(page):
    """The refusal the gate would raise for this page object, or None when it may go live."""
    problems = publish_problems(page)
    return PublishRefused(page, problems) if problems else None


def check_publishable(page):
    refusal = publish_refusal(page)
    if refusal is not None:
        raise refusal


def goes_live(page, update_fields=None):
    """Whether saving this page object changes what is live: new live content, or a new live page.

    True for a publish (a new live revision), a page made live (or created live, as a copy kept
    live is), and a write of the form, the mapping or the integration on a live page. An alias
    serves its original's content, which passed the gate when the original was published.
    """
    if not page.live or page.alias_of_id is not None:
        return False
    if update_fields is not None and GATED_FIELDS.isdisjoint(update_fields):
        return False
    if page._state.adding:
        return True
    stored = (
        type(page)
        .objects.filter(pk=page.pk)
        .values("live", "live_revision_id", "integration_id", *GATED_STREAMS)
        .first()
    )
    if stored is None or not stored["live"] or stored["live_revision_id"] != page.live_revision_id:
        return True
    return stored["integration_id"] != page.integration_id or any(
        stream_data(stored[name]) != stream_data(getattr(page, name)) for name in GATED_STREAMS
    )
