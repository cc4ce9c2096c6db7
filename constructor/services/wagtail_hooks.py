from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from constructor.services.models import Curator, ServiceCategory
from sites.permissions import regions_for_user


class ServiceCategoryViewSet(SnippetViewSet):
    model = ServiceCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name", "slug", "sort_order"]


class CuratorViewSet(SnippetViewSet):
    model = Curator
    icon = "user"
    menu_label = _("Curators")
    list_display = ["full_name", "position", "region", "consent_to_publish"]
    list_filter = ["region", "consent_to_publish"]
    search_fields = ["full_name", "position"]

    def get_queryset(self, request):
        return Curator.objects.filter(region__in=regions_for_user(request.user)).select_related(
            "region"
        )


register_snippet(ServiceCategoryViewSet)
register_snippet(CuratorViewSet)
