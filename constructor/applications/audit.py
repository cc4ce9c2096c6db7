"""The audit log: Wagtail's own log entries, with our actions, scoped to the reader's regions.

Publishing, workflow steps (submit, approve, reject with its comment) and snippet changes (the
registry, curators) are logged by Wagtail already. We add our own actions, each registered by
the package that logs it (``wagtail_hooks``): here, every staff view or export of a citizen's
answers (mirrored from ``AnswerAccess``); in ``constructor.review``, a service created from a
registry standard and pilot launch and promotion.

The log lives here, on the top floor of the domain, because scoping it to a region reads the
region's pages, curators and applications alike.

``AuditLogView`` is Wagtail's site-history report (filters, CSV and XLSX export) with one change:
federal staff read every entry; regional staff read the entries of their regions' pages,
applications and curators only.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Q, Value
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from constructor.admin_wording import CountingPaginator
from constructor.applications.models import Application
from constructor.services.models import Curator
from sites.permissions import is_federal_staff, regions_for_user

# The action names are stored in the log: they keep the prefix they were first written with.
ACTIONS = {
    "review.answers_view": (_("View answers"), _("Viewed a citizen's answers")),
    "review.answers_export": (_("Export answers"), _("Exported a citizen's answers")),
}
ANSWER_ACTIONS = {"view": "review.answers_view", "export": "review.answers_export"}


def log_answer_access(access):
    """Mirror one ``AnswerAccess`` row into the audit log (the answers are never in it)."""
    log(
        instance=access.application,
        action=ANSWER_ACTIONS[access.kind],
        user=access.user,
        data={"number": access.application.number},
    )


def log_answer_access_after_save(sender, instance, created, **kwargs):
    if created:
        log_answer_access(instance)


def region_entries(log_model, user):
    """The entries of one log model a regional official may read."""
    regions = regions_for_user(user)
    if log_model is PageLogEntry:
        homes = Page.objects.filter(pk__in=regions.values("site__root_page"))
        condition = Q(pk__in=[])
        for home in homes:
            condition |= Q(page__path__startswith=home.path)
        return PageLogEntry.objects.filter(condition)
    if log_model is ModelLogEntry:
        scoped = {
            Application: Application.objects.filter(region__in=regions),
            Curator: Curator.objects.filter(region__in=regions),
        }
        condition = Q(pk__in=[])
        for model, objects in scoped.items():
            ids = [str(pk) for pk in objects.values_list("pk", flat=True)]
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
        return ModelLogEntry.objects.filter(condition)
    return log_model.objects.none()


class ScopedLogModel:
    """Stands in for a log model in ``LogEntriesView``: same manager calls, region-scoped."""

    def __init__(self, log_model, user):
        self.log_model, self.user = log_model, user
        self.objects = self

    def viewable_by_user(self, user):
        if is_federal_staff(user):
            return self.log_model.objects.all()
        return region_entries(self.log_model, user)

    def __getattr__(self, name):
        return getattr(self.log_model.objects, name)


class AuditLogView(LogEntriesView):
    page_title = _("Audit log")
    paginator_class = CountingPaginator
    index_url_name = "audit_log"
    index_results_url_name = "audit_log_results"

    def get_filtered_queryset(self):
        # Wagtail's union of every log model, each read through the region scope.
        self.log_models = [
            ScopedLogModel(model, self.request.user)
            for model in log_action_registry.get_log_entry_models()
        ]
        queryset = None
        for index, log_model in enumerate(self.log_models):
            sub_queryset = (
                log_model.viewable_by_user(self.request.user)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub_queryset = self.filter_queryset(sub_queryset).order_by()
            queryset = sub_queryset if queryset is None else queryset.union(sub_queryset, all=True)
        return queryset.order_by("-timestamp")
