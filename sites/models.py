"""Regions and the pages at the root of each site.

A Region is a Wagtail Site with its own page tree, collection and staff groups;
the federal portal is the default site and lists every region.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Collection, Page, Site
from wagtail.search import index

from sites.catalog import catalog as provided_catalog
from sites.colours import contrast_ratio, parse_hex_colour

hostname_label_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    _(
        "Use 1-63 lowercase Latin letters, digits and hyphens; "
        "the address cannot start or end with a hyphen."
    ),
    code="invalid_hostname_label",
)


class Region(models.Model):
    """A subject of the Russian Federation publishing its services on its own site."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.CharField(
        _("address on the portal"),
        max_length=63,
        unique=True,
        validators=[hostname_label_validator],
        help_text=_("Becomes the site address: <slug>.gosuslugi.ru"),
    )
    code = models.CharField(
        _("subject code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^\d{2}$", _("The subject code is two digits, e.g. 40."))],
    )
    site = models.OneToOneField(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="region"
    )
    collection = models.OneToOneField(
        Collection, verbose_name=_("collection"), on_delete=models.PROTECT, related_name="+"
    )
    editors = models.OneToOneField(
        Group, verbose_name=_("editors' group"), on_delete=models.PROTECT, related_name="+"
    )
    moderators = models.OneToOneField(
        Group, verbose_name=_("moderators' group"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def home_page(self):
        return self.site.root_page


DEFAULT_ACCENT_COLOUR = "#0d4cd3"


@register_setting(icon="site")
class RegionBranding(BaseSiteSetting):
    """How a region's site presents itself; edited per site in Settings."""

    display_name = models.CharField(
        _("name shown in the header"), max_length=120, default="Госуслуги"
    )
    coat_of_arms = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("coat of arms"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=DEFAULT_ACCENT_COLOUR,
        help_text=_("Hex colour such as #0d4cd3; white text on it must stay readable."),
    )
    phone = models.CharField(_("support phone"), max_length=40, blank=True)
    email = models.EmailField(_("support e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=255, blank=True)
    hours = models.CharField(_("support hours"), max_length=120, blank=True)

    panels = [
        FieldPanel("display_name"),
        FieldPanel("coat_of_arms"),
        FieldPanel("accent_colour"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("address"), FieldPanel("hours")],
            heading=_("Contacts"),
        ),
    ]

    # Every page's header shows the coat of arms: fetch it with the setting.
    select_related = ["coat_of_arms"]

    class Meta:
        verbose_name = _("region branding")
        verbose_name_plural = _("region brandings")

    @classmethod
    def for_site(cls, site):
        """The site's branding; an unsaved one with the defaults when the site has none yet.

        Wagtail's own ``for_site`` creates the row on first use, so the first visit of a site
        without branding (the federal portal) wrote to the database. Visits write nothing; the
        row is created when someone saves the branding in Settings.
        """
        if site is None:
            raise cls.DoesNotExist(f"{cls.__name__} does not exist for site None.")
        return cls.base_queryset().filter(site=site).first() or cls(site=site)

    def clean(self):
        colour = parse_hex_colour(self.accent_colour)
        if colour is None:
            raise ValidationError(
                {"accent_colour": _("Enter the colour as # and six hex digits, e.g. #0d4cd3.")}
            )
        # Header text is white on the accent colour: WCAG 2.2 AA needs 4.5:1.
        if contrast_ratio(colour, (255, 255, 255)) < 4.5:
            raise ValidationError(
                {
                    "accent_colour": _(
                        "White text on this colour is hard to read (contrast below 4.5:1). "
                        "Choose a darker colour."
                    )
                }
            )
        self.accent_colour = self.accent_colour.lower()


class PortalHomePage(Page):
    """Root of the federal portal: every region and every region's services."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["regions.InformationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("federal portal home page")
        verbose_name_plural = _("federal portal home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(provided_catalog().portal_catalog(request))
        return context


class RegionHomePage(RoutablePageMixin, Page):
    """Root of a region's site: the service catalog with categories and search."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["services.ServicePage", "regions.InformationPage"]

    class Meta:
        verbose_name = _("region home page")
        verbose_name_plural = _("region home pages")

    @path("")
    def catalog(self, request):
        return self.render(
            request, context_overrides=provided_catalog().region_catalog(self, request)
        )

    @path("category/<slug:slug>/")
    def category(self, request, slug):
        return self.render(
            request,
            context_overrides=provided_catalog().category_listing(self, request, slug),
            template="regions/category_page.html",
        )

    @path("search/")
    def search(self, request):
        return self.render(
            request,
            context_overrides=provided_catalog().search_results(self, request),
            template="regions/search_page.html",
        )


class InformationPage(Page):
    """A plain text page: about the portal, accessibility statement, personal data policy."""

    body = RichTextField(
        _("text"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["regions.PortalHomePage", "regions.RegionHomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")


def portal_root_url():
    """The federal portal's address, from settings, so no query is needed to link to it."""
    port = settings.PUBLIC_PORT
    host = settings.PORTAL_HOSTNAME
    return f"http://{host}/" if port == 80 else f"http://{host}:{port}/"
