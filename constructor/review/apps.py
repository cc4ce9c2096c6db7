from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "constructor.review"
    label = "review"
    verbose_name = _("Quality review")
    default_auto_field = "django.db.models.BigAutoField"
