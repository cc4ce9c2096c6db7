"""Admin for the federal registry, and the "create from standard" view.

Federal admins (superusers and the «Федеральные администраторы» group) add and change registry
entries, their reference application form and mapping included (the tabs «Application form»
and «Agency delivery», made of the very blocks of a ServicePage); regional officials hold only
the view permission: they see the listing and each entry's details, and the add, edit and
delete URLs refuse them.
"""

from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet, SnippetViewSetGroup

from constructor.admin_wording import WordedViewSetMixin
from constructor.registry.forms import ServiceStandardForm
from constructor.registry.models import LifeSituation, ServiceStandard
from constructor.registry.views import create_from_standard, regions_user_can_add_services_to


class ServiceStandardInspectView(InspectView):
    """Names the mandatory blocks as the editor's block picker does, and no region as «—»."""

    def get_region_display_value(self):
        return self.object.region or "—"

    def get_mandatory_blocks_display_value(self):
        return ", ".join(self.object.mandatory_block_labels()) or "—"

    def get_application_form_display_value(self):
        """The steps by title with their number of questions, not the blocks' raw values."""
        steps = [
            ngettext(
                "«%(title)s»: %(count)s question",
                "«%(title)s»: %(count)s questions",
                len(step.value["fields"]),
            )
            % {"title": step.value["title"], "count": len(step.value["fields"])}
            for step in self.object.application_form
        ]
        return "; ".join(steps) or gettext("No application form")

    def get_payload_mapping_display_value(self):
        count = len(self.object.payload_mapping)
        if not count:
            return gettext("No mapping rules")
        return ngettext("%(count)s mapping rule", "%(count)s mapping rules", count) % {
            "count": count
        }


class ServiceStandardViewSet(WordedViewSetMixin, SnippetViewSet):
    model = ServiceStandard
    icon = "list-ul"
    menu_label = _("Registry entries")
    list_display = ["code", "title", "level", "region", "agency", "max_processing_days"]
    list_filter = ["level", "category", "region", "life_situations"]
    search_fields = ["code", "title", "agency"]
    inspect_view_enabled = True
    inspect_view_class = ServiceStandardInspectView
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    MultiFieldPanel(
                        [FieldPanel("code"), FieldPanel("level"), FieldPanel("region")],
                        heading=_("Code"),
                    ),
                    FieldPanel("title"),
                    FieldPanel("agency"),
                    FieldPanel("category"),
                    FieldPanel("summary"),
                    FieldPanel("life_situations"),
                    FieldPanel("max_processing_days"),
                    FieldPanel("mandatory_blocks"),
                    FieldPanel("default_body"),
                ],
                heading=_("Standard"),
            ),
            ObjectList([FieldPanel("application_form")], heading=_("Application form")),
            ObjectList(
                [FieldPanel("integration"), FieldPanel("payload_mapping")],
                heading=_("Agency delivery"),
            ),
        ],
        base_form_class=ServiceStandardForm,
    )

    def get_queryset(self, request):
        return ServiceStandard.objects.select_related("region", "category")


class LifeSituationViewSet(WordedViewSetMixin, SnippetViewSet):
    model = LifeSituation
    icon = "group"
    menu_label = _("Life situations")
    list_display = ["name", "slug"]
    inspect_view_enabled = True
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]


class RegistryViewSetGroup(SnippetViewSetGroup):
    items = (ServiceStandardViewSet, LifeSituationViewSet)
    menu_icon = "list-ul"
    menu_label = _("Federal registry")
    menu_name = "registry"


register_snippet(RegistryViewSetGroup)


class CreateFromStandardMenuItem(MenuItem):
    def is_shown(self, request):
        return regions_user_can_add_services_to(request.user).exists()


@hooks.register("register_admin_urls")
def register_create_from_standard_url():
    return [
        path(
            "registry/create-service/",
            create_from_standard,
            name="registry_create_from_standard",
        )
    ]


@hooks.register("register_admin_menu_item")
def register_create_from_standard_menu_item():
    return CreateFromStandardMenuItem(
        _("Create a service from a standard"),
        reverse("registry_create_from_standard"),
        icon_name="doc-empty-inverse",
        order=250,
    )
