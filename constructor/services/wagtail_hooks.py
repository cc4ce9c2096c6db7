"""Admin views for categories and curators, the mapping views, and the publish gate's admin parts.

Curators belong to a region, and an official acts only inside their region (invariant 6):
every curator view below (listing, edit, delete, history, usage, copy, chooser) sees only the
curators of the user's regions; a federal admin (superuser) sees all of them.

The curator chooser lists every curator of the region with their consent to publication, and
only those who consented can be chosen (``CuratorChooserColumnsMixin`` says why not hidden).

The publish gate (``publish_gate``) replaces the explorer's bulk "Publish" with one that
refuses page by page, and registers the history entry of a refused scheduled publication.
"""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm, SearchFilterMixin
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from constructor.admin_wording import WordedSnippetChooserViewSet, WordedViewSetMixin
from constructor.services import mapping_views
from constructor.services.bulk_publish import GatedPublishBulkAction
from constructor.services.forms import CuratorForm
from constructor.services.models import Curator, ServiceCategory, ServicePage
from constructor.services.scheduled_publishing import REFUSED_ACTION, RefusedScheduleFormatter
from constructor.services.search_query import search_words, typed_query
from sites.permissions import RegionPermissionPolicy, regions_for_user, user_acts_in_region


def curators_for_user(user):
    return Curator.objects.filter(region__in=regions_for_user(user))


class OwnRegionCuratorMixin:
    """Refuses a curator of another region as if the user had no permission at all."""

    def get_object(self, *args, **kwargs):
        curator = super().get_object(*args, **kwargs)
        if not user_acts_in_region(self.request.user, curator.region_id):
            raise PermissionDenied
        return curator


class CuratorEditView(OwnRegionCuratorMixin, snippet_views.EditView):
    pass


class CuratorDeleteView(OwnRegionCuratorMixin, snippet_views.DeleteView):
    pass


class CuratorCopyView(OwnRegionCuratorMixin, snippet_views.CopyView):
    pass


class CuratorHistoryView(OwnRegionCuratorMixin, snippet_views.HistoryView):
    pass


class CuratorUsageView(OwnRegionCuratorMixin, snippet_views.UsageView):
    pass


class CuratorInspectView(OwnRegionCuratorMixin, snippet_views.InspectView):
    pass


def choosable_curators_for_user(user):
    return curators_for_user(user).filter(consent_to_publish=True)


class CuratorSearchForm(SearchFilterMixin, BaseFilterForm):
    """The chooser's search box, given to the full-text backend as plain words only.

    Wagtail's form hands what was typed to the backend as it is, and a quote ends SQLite's
    FTS5 query with a syntax error; ``search_query`` reduces it as the public search does.
    """

    def clean_q(self):
        return " ".join(search_words(typed_query(self.cleaned_data["q"])))


class CuratorTitleColumn(TitleColumn):
    """The curator's name: a link to choose them, or dimmed text when they cannot be chosen."""

    cell_template_name = "services/curator_title_cell.html"


class CuratorConsentColumn(Column):
    """«Consent to publication: given / missing», and with «missing», what to do about it."""

    cell_template_name = "services/curator_consent_cell.html"


class CuratorChooserColumnsMixin:
    """Every curator of the region is listed, with their consent; only those who consented
    have a link to choose them.

    A page may name only a curator who consented (the quality rule «curator» is a must), and
    editors used to learn it after saving. Hiding the others instead would make the region's
    curator look missing, and invite a second card for the same person with the consent
    ticked; a listed curator marked «missing» says whom to ask for what.
    """

    results_template_name = "services/curator_chooser_results.html"
    filter_form_class = CuratorSearchForm

    @property
    def title_column(self):
        if self.is_multiple_choice:
            return super().title_column
        return CuratorTitleColumn(
            "title",
            label=_("Curator"),
            accessor=str,
            get_url=self.choice_url,
            link_attrs={"data-chooser-modal-choice": True},
        )

    @property
    def columns(self):
        return [
            *super().columns,
            CuratorConsentColumn("consent_to_publish", label=_("Consent to publication")),
        ]

    def choice_url(self, curator):
        if not curator.consent_to_publish:
            return None
        return self.append_preserved_url_parameters(
            reverse(self.chosen_url_name, args=(quote(curator.pk),))
        )


class CuratorChooseView(CuratorChooserColumnsMixin, chooser_views.ChooseView):
    def get_object_list(self):
        return curators_for_user(self.request.user)


class CuratorChooseResultsView(CuratorChooserColumnsMixin, chooser_views.ChooseResultsView):
    def get_object_list(self):
        return curators_for_user(self.request.user)


class CuratorChosenView(chooser_views.SnippetChosenView):
    def get_object(self, pk):
        if not pk.isdigit():
            raise Curator.DoesNotExist  # not a number, no such curator: Wagtail answers 404
        return choosable_curators_for_user(self.request.user).get(pk=pk)


class CuratorChosenMultipleView(chooser_views.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return choosable_curators_for_user(self.request.user).filter(
            pk__in=[pk for pk in pks if pk.isdigit()]
        )


class CuratorChooserViewSet(WordedSnippetChooserViewSet):
    choose_view_class = CuratorChooseView
    choose_results_view_class = CuratorChooseResultsView
    chosen_view_class = CuratorChosenView
    chosen_multiple_view_class = CuratorChosenMultipleView


class ServiceCategoryViewSet(WordedViewSetMixin, SnippetViewSet):
    model = ServiceCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name", "slug", "sort_order"]


class CuratorViewSet(WordedViewSetMixin, SnippetViewSet):
    model = Curator
    icon = "user"
    menu_label = _("Curators")
    list_display = ["full_name", "position", "region", "consent_to_publish"]
    list_filter = ["region", "consent_to_publish"]
    search_fields = ["full_name", "position"]
    edit_handler = ObjectList(Curator.panels, base_form_class=CuratorForm)

    edit_view_class = CuratorEditView
    delete_view_class = CuratorDeleteView
    copy_view_class = CuratorCopyView
    history_view_class = CuratorHistoryView
    usage_view_class = CuratorUsageView
    inspect_view_class = CuratorInspectView
    chooser_viewset_class = CuratorChooserViewSet

    def get_queryset(self, request):
        return curators_for_user(request.user).select_related("region")


register_permission_policy(Curator, RegionPermissionPolicy(Curator))
register_snippet(ServiceCategoryViewSet)
register_snippet(CuratorViewSet)


@hooks.register("register_admin_urls")
def register_mapping_urls():
    return [
        path(
            "services/<int:page_id>/mapping-options/",
            mapping_views.mapping_options,
            name="services_mapping_options",
        ),
        path(
            "services/<int:page_id>/mapping-report/",
            mapping_views.MappingReportView.as_view(),
            name="services_mapping_report",
        ),
    ]


@hooks.register("insert_global_admin_css")
def curator_chooser_css():
    # Wagtail 8 has no editor-only CSS hook; the chooser opens in the page editor.
    return format_html('<link rel="stylesheet" href="{}">', static("css/curator-chooser.css"))


@hooks.register("insert_editor_js")
def mapping_chooser_js():
    # Suggests the agency's fields and the form's fields in the mapping rules' inputs.
    return format_html('<script src="{}" defer></script>', static("js/mapping-chooser.js"))


@hooks.register("register_page_header_buttons")
def mapping_report_header_button(page, user, view_name, next_url=None):
    from constructor.services.mapping_views import may_see_mapping_report

    if page.specific_class is not ServicePage:
        return
    if may_see_mapping_report(page, user):
        yield PageMenuItem(
            _("Agency delivery check"),
            reverse("services_mapping_report", args=[page.pk]),
            icon_name="link",
            priority=64,
            page=page,
        )


# After Wagtail's own (order 0): the same action name, so this one replaces it.
hooks.register("register_bulk_action", GatedPublishBulkAction, order=1)


@hooks.register("register_log_actions")
def register_publish_gate_log_actions(actions):
    actions.register_action(REFUSED_ACTION)(RefusedScheduleFormatter)
