"""Admin views of the review: the reviewers' queue and the pilot actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from constructor.review import pilot
from constructor.review.models import Pilot
from constructor.review.queue import review_queue
from constructor.review.workflow import is_federal_reviewer
from constructor.services.models import ServicePage


def queue(request):
    if not is_federal_reviewer(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "review/queue.html",
        {
            "items": review_queue(),
            "page_title": _("Review queue"),
            "header_title": _("Review queue"),
            "header_icon": "tasks",
        },
    )


def pilot_view(request, page_id):
    """A reviewer starts a pilot (live for link holders only) or promotes it to everyone."""
    if not is_federal_reviewer(request.user):
        raise PermissionDenied
    page = get_object_or_404(ServicePage, pk=page_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            pilot.start_pilot(page, request.user)
            messages.success(
                request,
                _("«%(title)s» is a pilot now: only the pilot link opens it.")
                % {"title": page.title},
            )
        elif action == "promote" and pilot.promote_pilot(page, request.user):
            messages.success(
                request, _("«%(title)s» is open to everyone now.") % {"title": page.title}
            )
        else:
            messages.error(request, _("This service is not a pilot."))
        return redirect(reverse("review_pilot", args=[page.pk]))
    current = Pilot.objects.filter(page=page).first()
    return TemplateResponse(
        request,
        "review/pilot.html",
        {
            "service": page,
            "pilot": current,
            "pilot_url": pilot.pilot_url(current) if current and current.active else "",
            "page_title": _("Pilot"),
            "header_title": _("Pilot: %(title)s") % {"title": page.title},
            "header_icon": "rocket",
        },
    )
