from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "constructor.registry"
    label = "registry"
    verbose_name = _("Federal registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from constructor.registry.groups import ensure_federal_admins_after_migrate

        post_migrate.connect(ensure_federal_admins_after_migrate, sender=self)
