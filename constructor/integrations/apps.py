from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "constructor.integrations"
    label = "integrations"
    verbose_name = _("Agency integrations")
    default_auto_field = "django.db.models.BigAutoField"
