"""What the admin says about each of our models, in whole Russian phrases.

Wagtail builds its buttons and counts from a model's verbose name in the nominative:
«Добавить %(model_name)s», «Выбрать %(object)s», «7 %(model_name_plural)s». Russian needs the
accusative after a verb («Добавить интеграцию», «Выбрать куратора услуги»), gender agreement
(«Выбрать другую категорию») and counted plural forms («7 кураторов»), none of which can be
composed from one word. So every model with an admin screen has its phrases here, each a whole
English msgid that the catalogue translates whole, and our viewsets and choosers use them in place
of Wagtail's composed ones (``WordedViewSetMixin``, ``WordedSnippetChooser``).

Messages that Wagtail words from the nominative in its own catalogue (``«…» создана.``,
``Не удалось создать %(model_name)s``) are reworded in ours so that they read right whatever the
noun: our catalogue is in LOCALE_PATHS, which Django consults before the apps' catalogues.

A listing prints a boolean field as «Да» or «Нет» (``YesNoColumn``), and so does the chip of an
active yes/no filter (``YesNoFilterAdapter``): Wagtail prints True/False in both.
"""

from dataclasses import dataclass

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.active_filters import BaseFilterAdapter, register_filter_adapter_class
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column
from wagtail.snippets.blocks import SnippetChooserBlock
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.widgets import AdminSnippetChooser

# The create view's title before the model's name: «Добавление: Интеграция». Wagtail's «Новый:»
# agrees with masculine nouns only.
CREATE_TITLE = pgettext_lazy("title of the admin screen that adds an object", "Adding")


@dataclass(frozen=True)
class Wording:
    """The phrases of one model; ``count`` is formatted with ``{"count": n}``."""

    count: str
    add: str = ""
    choose: str = ""
    choose_another: str = ""
    edit_chosen: str = ""


# History screens and the audit log count log entries: page entries, or every other object's.
LOG_ENTRIES = Wording(count=ngettext_lazy("%(count)s log entry", "%(count)s log entries", "count"))

WORDINGS = {
    "wagtailcore.pagelogentry": LOG_ENTRIES,
    "wagtailcore.modellogentry": LOG_ENTRIES,
    "services.servicecategory": Wording(
        add=_("Add a service category"),
        count=ngettext_lazy("%(count)s service category", "%(count)s service categories", "count"),
        choose=_("Choose a service category"),
        choose_another=_("Choose another service category"),
        edit_chosen=_("Edit this service category"),
    ),
    "services.curator": Wording(
        add=_("Add a service curator"),
        count=ngettext_lazy("%(count)s service curator", "%(count)s service curators", "count"),
        choose=_("Choose a service curator"),
        choose_another=_("Choose another service curator"),
        edit_chosen=_("Edit this service curator"),
    ),
    "registry.servicestandard": Wording(
        add=_("Add a registry entry"),
        count=ngettext_lazy("%(count)s registry entry", "%(count)s registry entries", "count"),
        choose=_("Choose a registry entry"),
        choose_another=_("Choose another registry entry"),
        edit_chosen=_("Edit this registry entry"),
    ),
    "registry.lifesituation": Wording(
        add=_("Add a life situation"),
        count=ngettext_lazy("%(count)s life situation", "%(count)s life situations", "count"),
        choose=_("Choose a life situation"),
        choose_another=_("Choose another life situation"),
        edit_chosen=_("Edit this life situation"),
    ),
    "integrations.agency": Wording(
        add=_("Add an agency"),
        count=ngettext_lazy("%(count)s agency", "%(count)s agencies", "count"),
    ),
    "integrations.integration": Wording(
        add=_("Add an integration"),
        count=ngettext_lazy("%(count)s integration", "%(count)s integrations", "count"),
    ),
    "regions.region": Wording(
        add=_("Add a region"),
        count=ngettext_lazy("%(count)s region", "%(count)s regions", "count"),
    ),
}


def wording_for(model):
    """The model's phrases, or None for a model of Wagtail's own (its wording stays)."""
    return WORDINGS.get(model._meta.label_lower) if model is not None else None


class CountingPaginator(WagtailPaginator):
    """Counts in the plural form the number needs: «7 кураторов», not «7 кураторы услуг»."""

    @cached_property
    def items_count_label(self):
        wording = wording_for(self.model)
        if wording is None:
            return super().items_count_label
        return wording.count % {"count": self.count}


def yes_no(value):
    return gettext("Yes") if value else gettext("No")


class YesNoColumn(Column):
    """A boolean field as «Да» or «Нет»."""

    def get_value(self, instance):
        return yes_no(super().get_value(instance))


class YesNoFilterAdapter(BaseFilterAdapter):
    """The chip of an active yes/no filter: «Включена: Да», not «Включена: True»."""

    def get_active_filters(self):
        for active in super().get_active_filters():
            yield active._replace(value=yes_no(self.value))


register_filter_adapter_class(django_filters.BooleanFilter, YesNoFilterAdapter)


def listing_columns(model, list_display):
    """``list_display`` with every boolean field of the model shown as a ``YesNoColumn``."""
    columns = []
    for item in list_display:
        field = _model_field(model, item) if isinstance(item, str) else None
        if isinstance(field, models.BooleanField):
            item = YesNoColumn(item, label=capfirst(field.verbose_name), sort_key=item)
        columns.append(item)
    return columns


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class WordedSnippetChooser(AdminSnippetChooser):
    """A snippet chooser whose buttons say «Выбрать куратора услуги», from the model's wording.

    AdminSnippetChooser words them from the verbose name in the nominative in its ``__init__``,
    over whatever the chooser viewset set on the class.
    """

    def __init__(self, model=None, **kwargs):
        super().__init__(model, **kwargs)
        wording = wording_for(self.model_class)
        if wording is None or not wording.choose:
            return
        self.choose_one_text = kwargs.get("choose_one_text", wording.choose)
        self.choose_another_text = kwargs.get("choose_another_text", wording.choose_another)
        self.link_to_chosen_text = kwargs.get("link_to_chosen_text", wording.edit_chosen)


class WordedSnippetChooserViewSet(SnippetChooserViewSet):
    """The chooser modal and the form widget of a snippet, with the model's wording."""

    base_widget_class = WordedSnippetChooser

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wording = wording_for(self.model)
        if wording is not None and wording.choose:
            self.choose_one_text = self.page_title = wording.choose
            self.choose_another_text = wording.choose_another
            self.edit_item_text = wording.edit_chosen


class WordedSnippetChooserBlock(SnippetChooserBlock):
    """A StreamField snippet chooser with the model's wording (Wagtail's block words it itself)."""

    @cached_property
    def widget(self):
        if not self.has_explicit_icon:
            self.set_meta_options({"icon": self.target_model.snippet_viewset.icon})
        return WordedSnippetChooser(self.target_model, icon=self.meta.icon)


class WordedViewSetMixin:
    """For a ModelViewSet or SnippetViewSet of one of our models: the wording above on its
    listing (add button, count, booleans), its create and history screens and (snippets) its
    chooser."""

    chooser_viewset_class = WordedSnippetChooserViewSet

    def get_index_view_kwargs(self, **kwargs):
        view_kwargs = super().get_index_view_kwargs(**kwargs)
        view_kwargs["paginator_class"] = CountingPaginator
        wording = wording_for(self.model)
        if wording is not None:
            view_kwargs["add_item_label"] = wording.add
        if view_kwargs.get("list_display", self.UNDEFINED) is not self.UNDEFINED:
            view_kwargs["list_display"] = listing_columns(self.model, view_kwargs["list_display"])
        return view_kwargs

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(page_title=CREATE_TITLE, **kwargs)

    def get_history_view_kwargs(self, **kwargs):
        return super().get_history_view_kwargs(paginator_class=CountingPaginator, **kwargs)
