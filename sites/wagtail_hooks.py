"""The "Regions" admin section, for federal admins only.

A region is more than its row: it needs a site, a page tree root, a collection and staff
groups. So the create and edit forms hand over to ``create_region``, which makes (or repairs)
all of them at once and reports a bad address at the slug field.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from constructor.admin_wording import WordedViewSetMixin
from sites.models import Region
from sites.permissions import regions_for_user
from sites.regions import create_region


class FederalAdminOnlyPolicy(ModelPermissionPolicy):
    """Only superusers manage regions, and nobody deletes one from the admin.

    Deleting a region would orphan its site, pages, collection and groups; that is a
    deliberate operation for the command line, not a button.
    """

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser and action != "delete"

    def users_with_any_permission(self, actions):
        if all(action == "delete" for action in actions):
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


class RegionCreateForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "slug", "code"]

    def clean_slug(self):
        # The same normalising create_region does, so "Ryazan " is not refused for its case.
        return (self.cleaned_data.get("slug") or "").strip().lower()


class RegionEditForm(forms.ModelForm):
    # The slug is the site's address and the name names the staff groups: both stay put.
    class Meta:
        model = Region
        fields = ["code"]


class CreateRegionMixin:
    """Validates through ``create_region`` so the whole region is made, or nothing is."""

    def region_data(self, form):
        raise NotImplementedError

    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        try:
            with transaction.atomic():
                self.region_result = create_region(**self.region_data(form))
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return False
        return True

    def save_instance(self):
        region = self.region_result.region
        log(
            instance=region,
            action="wagtail.create" if self.region_result.created else "wagtail.edit",
        )
        return region


class RegionCreateView(CreateRegionMixin, generic.CreateView):
    def region_data(self, form):
        return {field: form.cleaned_data[field] for field in ("name", "slug", "code")}


class RegionEditView(CreateRegionMixin, generic.EditView):
    def region_data(self, form):
        # Running create_region again also repairs anything missing around the region.
        region = Region.objects.get(pk=self.object.pk)
        return {"name": region.name, "slug": region.slug, "code": form.cleaned_data["code"]}


class RegionViewSet(WordedViewSetMixin, ModelViewSet):
    model = Region
    icon = "site"
    menu_label = _("Regions")
    add_to_settings_menu = True
    list_display = ["name", "slug", "code", "site"]
    search_fields = ["name", "slug", "code"]
    add_view_class = RegionCreateView
    edit_view_class = RegionEditView
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return RegionEditForm if for_update else RegionCreateForm

    def get_permissions_to_register(self):
        # Regions are a superuser matter, so there is nothing to grant to groups.
        return Permission.objects.none()


register_permission_policy(Region, FederalAdminOnlyPolicy(Region))


@hooks.register("register_admin_viewset")
def register_region_viewset():
    return RegionViewSet("regions")


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser_to_own_regions(pages, request):
    """Link choosers list only the official's own region pages, drafts included (invariant 6)."""
    if request.user.is_superuser:
        return pages
    in_own_region = Q(pk__in=[])
    for region in regions_for_user(request.user).select_related("site__root_page"):
        in_own_region |= Q(path__startswith=region.site.root_page.path)
    return pages.filter(in_own_region)
