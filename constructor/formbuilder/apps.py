from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormBuilderConfig(AppConfig):
    name = "constructor.formbuilder"
    label = "formbuilder"
    verbose_name = _("Application forms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from constructor.formbuilder import (  # noqa: F401
            scanning,  # registers the upload scanner's system check
            signals,  # connects page_published
        )
