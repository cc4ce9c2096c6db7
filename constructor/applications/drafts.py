"""Which draft belongs to this browser, and the signed link that brings it back.

An anonymous citizen owns a draft through their session; the resume link carries the draft
id signed with the site's secret, so closing the browser loses nothing and a guessed or
edited link opens nobody's draft.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from constructor.applications.models import ApplicationDraft

SESSION_KEY = "application_drafts"
RESUME_SALT = "constructor.applications.resume"


def session_draft(request, page):
    draft_id = request.session.get(SESSION_KEY, {}).get(str(page.pk))
    if not draft_id:
        return None
    return (
        ApplicationDraft.objects.filter(pk=draft_id, page=page)
        .select_related("form_version", "application")
        .first()
    )


def remember_draft(request, draft):
    drafts = dict(request.session.get(SESSION_KEY, {}))
    drafts[str(draft.page_id)] = str(draft.pk)
    request.session[SESSION_KEY] = drafts


def forget_draft(request, page):
    drafts = dict(request.session.get(SESSION_KEY, {}))
    drafts.pop(str(page.pk), None)
    request.session[SESSION_KEY] = drafts


def owns_draft(request, draft):
    return request.session.get(SESSION_KEY, {}).get(str(draft.page_id)) == str(draft.pk)


def resume_token(draft):
    return signing.dumps({"draft": str(draft.pk)}, salt=RESUME_SALT, compress=True)


def resume_url(request, draft):
    path = reverse("applications:resume", args=[resume_token(draft)])
    return request.build_absolute_uri(path)


def draft_from_token(token):
    """The draft a resume link names; ``signing.BadSignature`` (or its subclass
    ``SignatureExpired``) when the link was altered or is older than ``DRAFT_RETENTION``.

    None when the draft is gone: housekeeping purged it, or the citizen started again."""
    payload = signing.loads(token, salt=RESUME_SALT, max_age=settings.DRAFT_RETENTION)
    return (
        ApplicationDraft.objects.filter(pk=payload.get("draft"))
        .select_related("page", "form_version", "application")
        .first()
    )
