from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "constructor.review"
    label = "review"
    verbose_name = _("Quality review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from constructor.review.panels import QualityPanel
        from constructor.review.workflow import (
            ensure_review_after_migrate,
            ensure_review_when_region_ready,
        )
        from constructor.services.models import ServicePage
        from sites.signals import region_ready

        ServicePage.add_editor_report(QualityPanel(heading=_("Quality")))

        post_migrate.connect(ensure_review_after_migrate, sender=self)
        region_ready.connect(ensure_review_when_region_ready)
