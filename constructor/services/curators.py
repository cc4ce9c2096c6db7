"""The service curator: the official answerable for a service's quality.

A model of the services app kept in a module of its own, so that the editor's forms can check
a curator's consent without importing the page models they are the forms of.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index


class Curator(index.Indexed, models.Model):
    """The official answerable for a service's quality, shown on its page if they consent."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="curators",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=255)
    organisation = models.CharField(_("organisation"), max_length=255)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent_to_publish = models.BooleanField(
        _("consents to publication"),
        default=False,
        help_text=_(
            "The curator agreed in writing to have their name, position and photo "
            "published (152-FZ). Without consent the page shows the position only."
        ),
    )

    panels = [
        FieldPanel("region"),
        MultiFieldPanel(
            [FieldPanel("full_name"), FieldPanel("position"), FieldPanel("organisation")],
            heading=_("About the curator"),
        ),
        FieldPanel("photo"),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("phone")], heading=_("Contacts")),
        FieldPanel("consent_to_publish"),
    ]
    search_fields = [
        index.SearchField("full_name"),
        index.SearchField("position"),
        index.AutocompleteField("full_name"),
        index.FilterField("region"),
    ]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("service curator")
        verbose_name_plural = _("service curators")

    def __str__(self):
        return f"{self.full_name} ({self.position})"
