"""Publishing a service page freezes its form into a FormVersion."""

from django.dispatch import receiver
from wagtail.signals import page_published

from constructor.formbuilder.models import freeze_form_version


@receiver(page_published)
def freeze_on_publish(sender, instance, **kwargs):
    if hasattr(instance, "application_form"):
        freeze_form_version(instance)
