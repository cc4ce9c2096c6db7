from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlocksConfig(AppConfig):
    """The StreamField block library; an app so its template tags and checks load."""

    name = "blocks"
    verbose_name = _("Blocks")
