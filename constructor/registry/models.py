"""The federal registry of services: codes, standards and life situations.

A registry entry (``ServiceStandard``) is what every regional ServicePage implements: its code,
who provides it, how fast it must be, which landing blocks it must have and what a new page
starts from: the default landing content, and the reference application, i.e. a form and its
mapping onto the agency's integration that pass the mapping check as they stand. A region then
changes only what is regional (contacts, offices, curator).

Codes are ten digits and unique across the whole registry; a regional-only service belongs to
one region and its code starts with that region's subject code (docs/REGISTRY.md).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.search import index

from blocks.form import ApplicationFormBlock
from blocks.landing import LandingStreamBlock
from blocks.mapping import PayloadMappingBlock

CODE_PATTERN = re.compile(r"^\d{10}$")

code_format_validator = RegexValidator(
    CODE_PATTERN.pattern,
    _("A registry code is exactly 10 digits, e.g. 1000000011."),
    code="invalid_registry_code",
)


def landing_block_choices():
    """(name, label) of every landing block, in the order of the editor's block picker."""
    return [
        (name, block.meta.label or name)
        for name, block in LandingStreamBlock().child_blocks.items()
    ]


class LifeSituation(models.Model):
    """A bundle of services around one event in a person's life, e.g. the birth of a child."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")

    def __str__(self):
        return self.name


class ServiceStandard(index.Indexed, models.Model):
    """One entry of the federal registry: a service and the standard its pages must meet."""

    FEDERAL, REGIONAL = "federal", "regional"

    code = models.CharField(
        _("registry code"),
        max_length=10,
        unique=True,
        validators=[code_format_validator],
        error_messages={
            "unique": _(
                "The registry already has an entry with this code. "
                "Codes never repeat: choose the next free one."
            )
        },
        help_text=_("10 digits. A regional service's code starts with the region's subject code."),
    )
    level = models.CharField(
        _("service level"),
        max_length=10,
        choices=[(FEDERAL, _("federal")), (REGIONAL, _("regional"))],
        default=FEDERAL,
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_entries",
        help_text=_("Only for a regional service: the region that provides it."),
    )
    title = models.CharField(_("title"), max_length=255)
    agency = models.CharField(_("responsible agency"), max_length=255)
    category = models.ForeignKey(
        "services.ServiceCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="registry_entries",
    )
    summary = models.TextField(
        _("short summary"),
        max_length=300,
        help_text=_("One or two sentences; a new service page starts with them."),
    )
    life_situations = models.ManyToManyField(
        LifeSituation,
        verbose_name=_("life situations"),
        blank=True,
        related_name="services",
    )
    max_processing_days = models.PositiveSmallIntegerField(
        _("maximum processing time, working days"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("The longest the standard allows, in working days."),
    )
    mandatory_blocks = models.JSONField(
        _("mandatory landing blocks"),
        default=list,
        blank=True,
        help_text=_("Blocks every page of this service must have, filled in."),
    )
    default_body = StreamField(
        LandingStreamBlock(),
        verbose_name=_("default landing content"),
        blank=True,
        help_text=_("Copied into a new service page created from this standard."),
    )
    application_form = StreamField(
        ApplicationFormBlock(),
        verbose_name=_("reference application form"),
        blank=True,
        help_text=_(
            "The application form every page of this service starts with. "
            "Copied into a new service page created from this standard."
        ),
    )
    integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("agency integration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_standards",
        help_text=_("The agency system that receives the applications of this service."),
    )
    payload_mapping = StreamField(
        PayloadMappingBlock(),
        verbose_name=_("reference payload mapping"),
        blank=True,
        help_text=_(
            "Which field of the reference form fills each field of the agency's payload. "
            "Checked against the agency's schema when the standard is saved."
        ),
    )

    search_fields = [
        index.SearchField("title"),
        index.SearchField("code"),
        index.SearchField("agency"),
        index.AutocompleteField("title"),
        index.FilterField("level"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip()
        errors = {}
        if self.level == self.REGIONAL:
            if self.region_id is None:
                errors["region"] = _("Choose the region that provides this regional service.")
            elif CODE_PATTERN.match(self.code) and not self.code.startswith(self.region.code):
                errors["code"] = _(
                    "A regional service's code starts with the subject code of its region: "
                    "%(prefix)s followed by 8 digits."
                ) % {"prefix": self.region.code}
        elif self.region_id is not None:
            errors["region"] = _("A federal service belongs to no region: leave this empty.")
        known = {name for name, _label in landing_block_choices()}
        unknown = [name for name in self.mandatory_blocks or [] if name not in known]
        if unknown:
            errors["mandatory_blocks"] = _("Unknown landing blocks: %(names)s.") % {
                "names": ", ".join(unknown)
            }
        if errors:
            raise ValidationError(errors)

    def mandatory_block_labels(self):
        labels = dict(landing_block_choices())
        return [str(labels.get(name, name)) for name in self.mandatory_blocks or []]
