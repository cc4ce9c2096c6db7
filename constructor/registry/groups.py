"""The federal administrators' group: who keeps the registry.

Like ``create_region``, ``ensure_federal_admins`` is idempotent: it creates the group when it is
missing and adds any permission it lacks, and changes nothing else. It runs after every migrate,
so a fresh database already has the group.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

# The group's name is data, not UI text: it is looked up by it, whatever the admin's language.
FEDERAL_ADMINS_GROUP = "Федеральные администраторы"

FEDERAL_ADMIN_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    *(
        ("registry", f"{action}_{model}")
        for model in ("servicestandard", "lifesituation")
        for action in ("add", "change", "delete", "view")
    ),
    ("services", "add_servicecategory"),
    ("services", "change_servicecategory"),
    ("services", "view_servicecategory"),
]


def ensure_federal_admins():
    group, _created = Group.objects.get_or_create(name=FEDERAL_ADMINS_GROUP)
    wanted = set(FEDERAL_ADMIN_PERMISSIONS)
    candidates = Permission.objects.filter(
        codename__in={codename for _app, codename in wanted}
    ).select_related("content_type")
    group.permissions.add(
        *(p for p in candidates if (p.content_type.app_label, p.codename) in wanted)
    )
    return group


def is_federal_admin(user):
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=FEDERAL_ADMINS_GROUP).exists()
    )


def ensure_federal_admins_after_migrate(sender, apps=None, using="default", **kwargs):
    # Our app's post_migrate handler may run before auth's: make the permissions first.
    create_permissions(sender, verbosity=0, using=using)
    ensure_federal_admins()
