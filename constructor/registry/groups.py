"""The federal administrators' group: who keeps the registry.

Like ``create_region``, ``ensure_federal_admins`` is idempotent: it creates the group when it is
missing and adds any permission it lacks, and changes nothing else. It runs after every migrate,
so a fresh database already has the group.
"""

from django.contrib.auth.management import create_permissions

from sites.permissions import FEDERAL_ADMINS_GROUP, ensure_group

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
    return ensure_group(FEDERAL_ADMINS_GROUP, FEDERAL_ADMIN_PERMISSIONS)


def ensure_federal_admins_after_migrate(sender, apps=None, using="default", **kwargs):
    # Our app's post_migrate handler may run before auth's: make the permissions first.
    create_permissions(sender, verbosity=0, using=using)
    ensure_federal_admins()
