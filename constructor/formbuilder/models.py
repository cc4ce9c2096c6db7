"""FormVersion: the frozen, immutable FormSchema an application is filled against."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from constructor.formbuilder.compiler import compile_form, content_hash


class FormVersion(models.Model):
    page = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service page"),
        on_delete=models.CASCADE,
        related_name="form_versions",
    )
    number = models.PositiveIntegerField(_("version number"))
    schema = models.JSONField(_("compiled form"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["page", "-number"]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="formversion_page_number"),
            models.UniqueConstraint(
                fields=["page", "content_hash"], name="formversion_page_content_hash"
            ),
        ]

    def __str__(self):
        return f"{self.page} · v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A FormVersion is immutable: freeze a new one instead.")
        super().save(*args, **kwargs)

    @property
    def json_schema(self):
        return self.schema["json_schema"]

    def layout_steps(self):
        return self.schema["layout"]["steps"]

    def fields(self):
        return [field for step in self.layout_steps() for field in step["fields"]]


def page_form_data(page):
    """The page's ``application_form`` as stored: a list of step dicts."""
    return page.application_form.get_prep_value()


@transaction.atomic
def freeze_form_version(page):
    """The FormVersion of the page's current form: reused when the content is the same.

    Returns None when the page has no form.
    """
    data = page_form_data(page)
    if not data:
        return None
    schema = compile_form(data)
    if not schema["layout"]["steps"]:
        return None
    digest = content_hash(schema)
    existing = FormVersion.objects.filter(page=page, content_hash=digest).first()
    if existing is not None:
        return existing
    # Lock the page row so two publishes cannot take the same number.
    type(page).objects.select_for_update().filter(pk=page.pk).first()
    last = FormVersion.objects.filter(page=page).order_by("-number").first()
    return FormVersion.objects.create(
        page=page,
        number=(last.number + 1) if last else 1,
        schema=schema,
        content_hash=digest,
    )


def live_form_version(page):
    """The FormVersion of the live page's form, frozen now if publishing happened elsewhere."""
    if not page.live:
        return None
    return freeze_form_version(page)
