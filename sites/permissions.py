"""Which regions a member of staff may act in.

Invariant 6: an official acts only inside their region.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from sites.models import Region

# The federal staff's groups. A name is data, not UI text: a group is looked up by it, whatever
# the admin's language. What each may do is granted where the role is defined
# (constructor.registry.groups, constructor.review.workflow).
FEDERAL_ADMINS_GROUP = "Федеральные администраторы"
FEDERAL_REVIEWERS_GROUP = "Федеральные проверяющие"


def regions_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(
        Q(editors__in=user.groups.all()) | Q(moderators__in=user.groups.all())
    ).distinct()


def region_staff(region):
    """The active officials of a region: members of its editors' or moderators' group.

    The people who handle the region's applications (regions_for_user, turned around);
    federal admins see every region and are not counted as any one region's staff.
    """
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__in=[region.editors_id, region.moderators_id])
        .distinct()
    )


def user_acts_in_region(user, region_id):
    return regions_for_user(user).filter(pk=region_id).exists()


class RegionPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the objects of the user's own regions.

    For models with a ``region`` foreign key: the model-wide Django permission says what a
    user may do, the region says to which objects. Wagtail consults the instance-level
    methods for bulk actions and per-object buttons.
    """

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and user_acts_in_region(
            user, instance.region_id
        )

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        return instances.filter(region__in=regions_for_user(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        region = Region.objects.get(pk=instance.region_id)
        staff_groups = [region.editors_id, region.moderators_id]
        return (
            self.users_with_any_permission(actions)
            .filter(Q(is_superuser=True) | Q(groups__in=staff_groups))
            .distinct()
        )


def ensure_group(name, permissions):
    """The group called ``name``, created if missing, holding the (app_label, codename) rights."""
    group, _created = Group.objects.get_or_create(name=name)
    wanted = set(permissions)
    candidates = Permission.objects.filter(
        codename__in={codename for _app, codename in wanted}
    ).select_related("content_type")
    group.permissions.add(
        *(p for p in candidates if (p.content_type.app_label, p.codename) in wanted)
    )
    return group


def is_superuser_or_in_group(user, group_name):
    return user.is_active and (user.is_superuser or user.groups.filter(name=group_name).exists())


def is_federal_staff(user):
    """A federal admin or reviewer: reads every region's pages, logs and mappings."""
    return user.is_active and (
        user.is_superuser
        or user.groups.filter(name__in=[FEDERAL_ADMINS_GROUP, FEDERAL_REVIEWERS_GROUP]).exists()
    )


def is_federal_admin(user):
    """A federal admin: keeps the registry, the agencies and their integrations."""
    return is_superuser_or_in_group(user, FEDERAL_ADMINS_GROUP)
