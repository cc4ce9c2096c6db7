"""Citizen pages around the wizard: start, check your answers, receipt, resume a draft."""

from django import forms
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from constructor.applications.changes import draft_form_changes
from constructor.applications.delivery_notice import citizen_delivery_notice
from constructor.applications.drafts import (
    draft_from_token,
    forget_draft,
    remember_draft,
    resume_url,
    session_draft,
)
from constructor.applications.models import ApplicationDraft
from constructor.applications.notifications import citizen_email
from constructor.applications.progress import empty_state, replay, step_upload_fields
from constructor.applications.status_links import link_expires_at, status_url
from constructor.applications.statuses import timeline
from constructor.applications.submission import IncompleteDraft, submit_draft
from constructor.applications.wizard import ApplicationWizard
from constructor.formbuilder.models import live_form_version
from constructor.formbuilder.types import field_type
from constructor.formbuilder.upload_limits import UploadLimitHandler
from constructor.review.pilot import active_pilot, holds_token
from constructor.services.models import ServicePage

# formtools wants a form list up front; the real one comes from the draft's FormVersion.
wizard_view = ApplicationWizard.as_view(
    form_list=[("placeholder", forms.Form)],
    url_name="applications:step",
    done_step_name="__done__",
)


def may_view(request, page):
    """The form is as private as its landing: a pilot needs its link, a restriction its pass."""
    pilot = active_pilot(page.pk)
    if pilot is not None:
        return holds_token(request, pilot)
    return all(restriction.accept_request(request) for restriction in page.get_view_restrictions())


def service_for(request, slug):
    """The live service page with this slug on the region's site the request came to."""
    site = Site.find_for_request(request)
    region = getattr(site, "region", None) if site else None
    if region is None:
        raise Http404
    page = ServicePage.objects.live().in_site(site).filter(slug=slug).first()
    if page is None or not may_view(request, page):
        raise Http404
    page.region = region
    return page


def start_url(page):
    return reverse("applications:start", args=[page.slug])


def open_draft(request, page):
    """This browser's unsent draft for the service, or a new one on the live form.

    A new draft is not stored: looking at a form writes nothing (no draft, no session), so a
    crawler cannot fill the database. The wizard stores it with the first answer sent.
    """
    draft = session_draft(request, page)
    if draft is not None and draft.application_id is None:
        return draft
    version = live_form_version(page)
    if version is None:
        raise Http404(_("This service has no online application form."))
    draft = ApplicationDraft(page=page, form_version=version, region=page.region)
    draft.seal_answers(empty_state())
    return draft


def start(request, service):
    page = service_for(request, service)
    draft = open_draft(request, page)
    progress = replay(draft.form_version, draft, draft.open_answers())
    if progress.complete:
        return redirect("applications:check", service)
    return redirect("applications:step", service, progress.first_incomplete)


# The token is checked once the upload limits are in place: checking it reads the body.
protected_wizard_view = csrf_protect(wizard_view)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def step(request, service, step):
    page = service_for(request, service)
    draft = open_draft(request, page)
    upload_limit = UploadLimitHandler.install(request, step_upload_fields(draft.form_version, step))
    return protected_wizard_view(request, step=step, draft=draft, upload_limit=upload_limit)


@require_http_methods(["GET", "POST"])
def check_answers(request, service):
    page = service_for(request, service)
    draft = session_draft(request, page)
    if draft is not None and draft.application_id:
        return redirect("applications:receipt", service, draft.application.number)
    # With nothing sent yet the replay below points at the first question.
    draft = draft or open_draft(request, page)
    progress = replay(draft.form_version, draft, draft.open_answers())
    if not progress.complete:
        return redirect("applications:step", service, progress.first_incomplete)
    problems = []
    if request.method == "POST":
        try:
            application = submit_draft(draft)
        except IncompleteDraft as error:
            if error.step and not error.problems:
                return redirect("applications:step", service, error.step)
            problems = error.problems
        else:
            return redirect("applications:receipt", service, application.number)
    # A complete draft is a stored one. The page hands out a resume link that lives
    # DRAFT_RETENTION from now, and so must the draft (housekeeping counts from updated_at).
    draft.save(update_fields=["updated_at"])
    sections = answer_sections(progress, service)
    return render(
        request,
        "applications/check_answers.html",
        {
            "page": page,
            "sections": sections,
            "problems": problem_links(problems, sections),
            "resume_url": resume_url(request, draft),
            "form_changes": draft_form_changes(draft),
        },
    )


@require_http_methods(["POST"])
def restart(request, service):
    """Drop this browser's unsent draft (and its files) and start on the live form."""
    page = service_for(request, service)
    draft = session_draft(request, page)
    if draft is not None and draft.application_id is None:
        for record in draft.files.all():
            record.file.delete(save=False)
        draft.delete()
    forget_draft(request, page)
    return redirect("applications:start", service)


def problem_links(problems, sections):
    """Submission problems as error-summary entries, each linking to the answer to change."""
    links = {row["key"]: row["change_url"] for section in sections for row in section["rows"]}
    entries = []
    for pointer, message in problems:
        key = pointer.split("/")[1] if pointer.count("/") else ""
        entries.append({"message": message, "url": links.get(key, "")})
    return entries


def answer_sections(progress, service):
    """Per visible step, its answered questions as (label, shown value, change link)."""
    from constructor.applications.display import display_answer

    sections = []
    for step in progress.visible_steps:
        change = reverse("applications:step", args=[service, step["key"]]) + "?return=check"
        rows = [
            {
                "label": field["label"],
                "value": display_answer(field, progress.answers.get(field["key"])),
                "change_url": f"{change}#{field_anchor(step['key'], field)}",
                "key": field["key"],
            }
            for field in step["fields"]
            if field["type"] != "info" and field["key"] in progress.answers
        ]
        sections.append({"title": step["title"], "rows": rows, "change_url": change})
    return sections


def field_anchor(step_key, field, prefix=None):
    """The id of a question's first input, as the step form renders it."""
    base = prefix or f"id_{step_key}-{field['key']}"
    kind = field["type"]
    options = field.get("options") or {}
    if kind == "yes_no" or (kind == "choice" and options.get("widget") != "select"):
        return f"{base}_0"
    if kind == "group" and options.get("fields"):
        first = options["fields"][0]
        return field_anchor(step_key, first, prefix=f"{base}-0-{first['key']}")
    parts = getattr(field_type(kind), "parts", None)
    if parts:
        return f"{base}_{parts[0][0]}"
    return base


def receipt(request, service, number):
    page = service_for(request, service)
    draft = session_draft(request, page)
    if draft is None or draft.application is None or draft.application.number != number:
        raise Http404
    application = draft.application
    return private(
        render(
            request,
            "applications/receipt.html",
            {
                "page": page,
                "application": application,
                "timeline": timeline(application),
                "status_link_expires": link_expires_at(),
                "status_url": status_url(application, request),
                "status_link_renewable": bool(citizen_email(application)),
                "delivery_notice": citizen_delivery_notice(application),
            },
        )
    )


def private(response):
    """A page that is the citizen's alone: not cached, not indexed, its link never leaked."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def resume(request, token):
    """Open a draft from its resume link in this browser.

    The GET only asks; the citizen's press of the button (a POST) ties the draft to this
    browser's session. Mail scanners and link previews fetch links on their own, and a visit
    must write nothing (no session row), so only the citizen's own action stores anything.
    """
    try:
        draft = draft_from_token(token)
    except signing.SignatureExpired:
        return resume_failed(request, expired=True)
    except signing.BadSignature:
        return resume_failed(request, expired=False)
    if draft is None:
        # A good link whose draft is gone: purged after the retention, or started again.
        return resume_failed(request, expired=True)
    if request.method == "GET":
        return private(
            render(
                request,
                "applications/resume_confirm.html",
                {"page": draft.page, "submitted": bool(draft.application_id)},
            )
        )
    remember_draft(request, draft)
    if draft.application_id:
        return redirect("applications:receipt", draft.page.slug, draft.application.number)
    return redirect(start_url(draft.page))


def resume_failed(request, expired):
    # 410 for a link that was good once, 400 for one that never was: both a clear page.
    return render(
        request,
        "applications/resume_failed.html",
        {"expired": expired},
        status=410 if expired else 400,
    )
