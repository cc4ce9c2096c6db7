from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "constructor.applications"
    label = "applications"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        # The officials' deliveries screens register their own admin hooks.
        from constructor.applications import delivery_admin  # noqa: F401
        from constructor.applications.audit import log_answer_access_after_save
        from constructor.applications.models import AnswerAccess
        from constructor.applications.statuses import record_delivered
        from constructor.integrations.delivery.signals import delivered

        # Every staff read of a citizen's answers goes to the audit log too (invariant 5).
        post_save.connect(log_answer_access_after_save, sender=AnswerAccess)
        delivered.connect(record_delivered)
