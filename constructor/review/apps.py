from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "constructor.review"
    label = "review"
    verbose_name = _("Quality review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from constructor.review.workflow import ensure_review_after_migrate

        post_migrate.connect(ensure_review_after_migrate, sender=self)
        # Every staff read of a citizen's answers goes to the audit log too (invariant 5).
        from constructor.applications.models import AnswerAccess
        from constructor.review.audit import log_answer_access_after_save

        post_save.connect(log_answer_access_after_save, sender=AnswerAccess)
