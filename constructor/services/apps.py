from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "constructor.services"
    label = "services"
    verbose_name = _("Services")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The home pages (sites, a floor below) list services through this registry.
        from constructor.services import catalog
        from sites.catalog import provide

        provide(catalog)
