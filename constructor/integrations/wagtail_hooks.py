"""Admin for agencies and integrations: federal admins only.

Regional officials never see these screens: the permission policy grants every action to
superusers and the «Федеральные администраторы» group, and to nobody else.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from constructor.admin_wording import WordedViewSetMixin
from constructor.integrations.forms import IntegrationForm
from constructor.integrations.models import Agency, Integration
from sites.permissions import is_federal_admin


class FederalAdminPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return is_federal_admin(user)

    def user_has_any_permission(self, user, actions):
        return is_federal_admin(user)


register_permission_policy(Agency, FederalAdminPolicy(Agency), exact_class=True)
register_permission_policy(Integration, FederalAdminPolicy(Integration), exact_class=True)


class AgencyViewSet(WordedViewSetMixin, ModelViewSet):
    model = Agency
    icon = "group"
    menu_label = _("Agencies")
    list_display = ["name", "short_name", "code"]
    search_fields = ["name", "short_name", "code"]
    form_fields = ["name", "short_name", "code"]
    add_to_admin_menu = False


class IntegrationViewSet(WordedViewSetMixin, ModelViewSet):
    model = Integration
    icon = "link"
    menu_label = _("Integrations")
    # Secrets stay out of listings.
    list_display = ["name", "agency", "code", "endpoint_url", "is_active"]
    list_filter = ["agency", "is_active"]
    search_fields = ["name", "code"]
    add_to_admin_menu = False
    edit_handler = ObjectList(
        [
            FieldPanel("agency"),
            FieldPanel("name"),
            FieldPanel("code"),
            FieldPanel("endpoint_url"),
            FieldPanel("timeout_seconds"),
            FieldPanel("is_active"),
            FieldPanel("payload_schema_text"),
            FieldPanel("payload_schema_file"),
            MultiFieldPanel(
                [
                    FieldPanel("hmac_secret"),
                    FieldPanel("keep_previous_secret"),
                    FieldPanel("drop_previous_secret"),
                ],
                heading=_("Signing"),
            ),
        ],
        base_form_class=IntegrationForm,
    )

    def get_queryset(self, request):
        return Integration.objects.select_related("agency")


class IntegrationsViewSetGroup(ViewSetGroup):
    items = (IntegrationViewSet, AgencyViewSet)
    menu_icon = "link"
    menu_label = _("Agency integrations")
    menu_name = "integrations"


@hooks.register("register_admin_viewset")
def register_integrations_viewsets():
    return IntegrationsViewSetGroup()
