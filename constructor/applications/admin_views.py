"""Officials' view of applications: their region's list, filters, detail, CSV and XLSX export.

Every read of decrypted answers by staff is written to AnswerAccess (invariant 5); officials
see only their regions (invariant 6), federal admins every region.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from constructor.applications.audit import log_answer_access
from constructor.applications.display import answer_rows
from constructor.applications.models import (
    AnswerAccess,
    Application,
    ApplicationFile,
    ApplicationStatus,
)
from constructor.services.models import ServicePage
from constructor.spreadsheets import csv_response, xlsx_response
from sites.permissions import regions_for_user

PAGE_SIZE = 50


def can_see_applications(user):
    return regions_for_user(user).exists()


def applications_for(user):
    return Application.objects.filter(region__in=regions_for_user(user)).select_related(
        "page", "region", "form_version"
    )


class ApplicationFilterForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=ServicePage.objects.none(), required=False, label=gettext_lazy("Service")
    )
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("Any status")), *ApplicationStatus.choices],
        required=False,
        label=gettext_lazy("Status"),
    )
    submitted_from = forms.DateField(
        required=False,
        label=gettext_lazy("Submitted from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = forms.DateField(
        required=False,
        label=gettext_lazy("Submitted to"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        pages = ServicePage.objects.filter(
            pk__in=applications_for(user).values("page_id")
        ).order_by("title")
        self.fields["service"].queryset = pages

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["service"]:
            queryset = queryset.filter(page=data["service"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["submitted_from"]:
            queryset = queryset.filter(submitted_at__date__gte=data["submitted_from"])
        if data["submitted_to"]:
            queryset = queryset.filter(submitted_at__date__lte=data["submitted_to"])
        return queryset


def filtered(request):
    if not can_see_applications(request.user):
        raise PermissionDenied
    form = ApplicationFilterForm(request.GET or None, user=request.user)
    return form, form.apply(applications_for(request.user))


def paginated(request, queryset):
    """``page_obj`` (page ``?p=``) and ``query`` (the other GET parameters) for a listing."""
    query = request.GET.copy()
    query.pop("p", None)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("p"))
    return {"page_obj": page, "query": query.urlencode()}


def index(request):
    form, queryset = filtered(request)
    return render(
        request,
        "applications/admin/index.html",
        {"filter_form": form, **paginated(request, queryset)},
    )


def detail(request, number):
    if not can_see_applications(request.user):
        raise PermissionDenied
    application = applications_for(request.user).filter(number=number).first()
    if application is None:
        raise Http404
    answers = application.open_answers()
    AnswerAccess.objects.create(
        user=request.user, application=application, kind=AnswerAccess.Kind.VIEW
    )
    return render(
        request,
        "applications/admin/detail.html",
        {
            "application": application,
            "rows": answer_rows(application.form_version.layout_steps(), answers),
            "files": application_files(application, answers),
            "access_log": application.access_log.select_related("user")[:20],
            "events": application.events.all(),
            # RelatedObjectDoesNotExist is an AttributeError: no integration, no delivery.
            "delivery": getattr(application, "delivery", None),
        },
    )


def application_files(application, answers):
    """(question, file record) for every file in the answers, in the form's order."""
    labels = {}
    for field in application.form_version.fields():
        if field["type"] == "file":
            for item in answers.get(field["key"]) or []:
                labels[str(item.get("id"))] = field["label"]
    records = ApplicationFile.objects.filter(draft__application=application, id__in=list(labels))
    by_id = {str(record.id): record for record in records}
    return [(label, by_id[file_id]) for file_id, label in labels.items() if file_id in by_id]


def download_file(request, number, file_id):
    """A citizen's uploaded file, to officials of its region only; every download is logged.

    Uploads live in private storage with no URL (invariant 5): this view is the only way out.
    """
    if not can_see_applications(request.user):
        raise PermissionDenied
    application = applications_for(request.user).filter(number=number).first()
    if application is None:
        raise Http404
    answers = application.open_answers()
    files = {str(record.id): record for _label, record in application_files(application, answers)}
    record = files.get(str(file_id))
    if record is None:
        raise Http404
    AnswerAccess.objects.create(
        user=request.user, application=application, kind=AnswerAccess.Kind.VIEW
    )
    response = FileResponse(
        record.file.storage.open(record.file.name),
        as_attachment=True,
        filename=record.name,
        content_type=record.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def export_table(request):
    """The export's header and rows for the applications the official may see and filtered.

    Both downloads come from here, so CSV and XLSX carry the same columns, the same region
    scoping and the same audit trail: each exported application gets an "export" access record.
    """
    _form, queryset = filtered(request)
    applications = list(queryset)
    answered = [
        (app, answer_rows(app.form_version.layout_steps(), app.open_answers()))
        for app in applications
    ]
    exported = AnswerAccess.objects.bulk_create(
        AnswerAccess(user=request.user, application=app, kind=AnswerAccess.Kind.EXPORT)
        for app in applications
    )
    for access in exported:  # bulk_create sends no post_save: mirror to the audit log here
        log_answer_access(access)
    questions = []
    for _app, rows in answered:
        for _step, label, _value in rows:
            if label not in questions:
                questions.append(label)
    header = [_("Number"), _("Service"), _("Region"), _("Status"), _("Submitted"), *questions]
    rows = []
    for app, answers in answered:
        by_label = {label: value for _step, label, value in answers}
        rows.append(
            [
                app.number,
                app.page.title,
                app.region.name,
                app.get_status_display(),
                app.submitted_at,
                *[by_label.get(question, "") for question in questions],
            ]
        )
    return header, rows


def export_name(extension):
    return f"applications-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{extension}"


def export_csv(request):
    return csv_response(export_name("csv"), *export_table(request))


def export_xlsx(request):
    return xlsx_response(export_name("xlsx"), _("Applications"), *export_table(request))
