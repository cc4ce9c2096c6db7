"""Service landing pages and the things they refer to: categories and curators."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from blocks.form import ApplicationFormBlock
from blocks.landing import LandingStreamBlock
from blocks.mapping import PayloadMappingBlock
from constructor.formbuilder.keys import slug_from_title
from constructor.formbuilder.panels import TechnicalKeysPanel
from constructor.services.curators import Curator  # noqa: F401 - a model of this app
from constructor.services.forms import ServicePageCopyForm
from constructor.services.mapping import MappingReportPanel, MappingServicePageForm
from constructor.services.publish_gate import PublishRefused, check_publishable, goes_live
from constructor.services.scheduled_publishing import SCHEDULED_PUBLISH, cancel_refused_schedule

SERVICE_CODE_FORMATS = {
    # Federal registry numbers are ten digits; regional codes carry the subject code first.
    "federal": (r"^\d{10}$", _("A federal service code is 10 digits, e.g. 1000000001.")),
    "regional": (
        r"^\d{2}\d{8}$",
        _("A regional service code is 10 digits starting with the subject code, e.g. 4000000012."),
    ),
}


class ServiceCategory(models.Model):
    """A federal catalog heading (family and children, business, ...) shared by every region."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=False)
    description = models.CharField(_("description"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), "sort_order"]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self):
        return self.name


class ServicePage(RoutablePageMixin, Page):
    """The landing page of one public service in one region, assembled from blocks."""

    service_code = models.CharField(
        _("service code"),
        max_length=10,
        help_text=_(
            "Code in the federal registry, or the region's own code for regional services."
        ),
    )
    code_level = models.CharField(
        _("service level"),
        max_length=10,
        choices=[("federal", _("federal")), ("regional", _("regional"))],
        default="regional",
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    agency = models.CharField(
        _("agency"),
        max_length=255,
        help_text=_(
            "The authority that provides the service, e.g. Ministry of Education of the region."
        ),
    )
    summary = models.TextField(
        _("short summary"),
        max_length=300,
        help_text=_("One or two sentences for the catalog and search results."),
    )
    body = StreamField(LandingStreamBlock(), verbose_name=_("landing page content"), blank=True)
    application_form = StreamField(
        ApplicationFormBlock(),
        verbose_name=_("application form"),
        blank=True,
        help_text=_("Steps of the online application form. Leave empty if there is none."),
    )
    registry_entry = models.ForeignKey(
        "registry.ServiceStandard",
        verbose_name=_("registry entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_pages",
        help_text=_("The federal registry entry whose standard this page implements."),
    )
    integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("agency integration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_pages",
        help_text=_(
            "The agency system that receives the applications. "
            "Leave empty if applications are not sent anywhere."
        ),
    )
    payload_mapping = StreamField(
        PayloadMappingBlock(),
        verbose_name=_("payload mapping"),
        blank=True,
        help_text=_(
            "Which form field fills each field of the agency's payload. "
            "Checked against the agency's schema when the page is published."
        ),
    )

    # Packages above services put their read-only reports at the top (add_editor_report).
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("registry_entry"),
                FieldPanel("service_code"),
                FieldPanel("code_level"),
                FieldPanel("category"),
                FieldPanel("agency"),
            ],
            heading=_("Registry data"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("service_code"),
        index.SearchField("agency"),
        index.SearchField("body"),
        index.AutocompleteField("title"),
        index.FilterField("category"),
    ]
    application_form_panels = [
        TechnicalKeysPanel(heading=_("Technical keys")),
        FieldPanel("application_form"),
    ]
    agency_delivery_panels = [
        MappingReportPanel(heading=_("Mapping check")),
        FieldPanel("integration"),
        FieldPanel("payload_mapping"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(application_form_panels, heading=_("Application form")),
            ObjectList(agency_delivery_panels, heading=_("Agency delivery")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    parent_page_types = ["regions.RegionHomePage"]
    subpage_types = []
    base_form_class = MappingServicePageForm
    copy_form_class = ServicePageCopyForm

    class Meta:
        verbose_name = _("service page")
        verbose_name_plural = _("service pages")

    @classmethod
    def add_editor_report(cls, panel):
        """Put a read-only report at the top of the editor's Content tab.

        For the packages above services (the review's quality score), from their
        ``AppConfig.ready``, before the edit handler is first built: ``edit_handler``'s Content
        tab holds this very list.
        """
        cls.content_panels.insert(0, panel)

    @property
    def preview_modes(self):
        return [*super().preview_modes, ("application_form", _("Application form"))]

    def serve_preview(self, request, mode_name):
        if mode_name == "application_form":
            from constructor.formbuilder.preview import serve_form_preview

            return serve_form_preview(request, self)
        return super().serve_preview(request, mode_name)

    @path("form-schema.json")
    def form_schema(self, request):
        from constructor.formbuilder.views import form_schema_response

        return form_schema_response(self)

    @path("mapping-report.json")
    def mapping_report_json(self, request):
        """The mapping check of the live page: its live form version and its live mapping."""
        from django.http import JsonResponse

        from constructor.services.mapping import live_mapping_report

        return JsonResponse(live_mapping_report(self), json_dumps_params={"ensure_ascii": False})

    def save(self, *args, **kwargs):
        """Every way of putting the page live ends here: the publish gate runs first."""
        if goes_live(self, kwargs.get("update_fields")):
            check_publishable(self)
        return super().save(*args, **kwargs)

    def publish(
        self,
        revision,
        user=None,
        changed=True,
        log_action=True,
        previous_revision=None,
        skip_permission_checks=False,
    ):
        """Publish in one transaction; a refused scheduled go-live is reported, not raised.

        Wagtail clears the revisions' schedule before it writes the page row: the transaction
        undoes that when the gate refuses the write. ``publish_scheduled`` publishes every due
        revision in one loop, so its refusals are cancelled and told to the editor instead
        (``scheduled_publishing``); every other caller gets the ``PublishRefused``.
        """
        try:
            with transaction.atomic():
                return super().publish(
                    revision,
                    user=user,
                    changed=changed,
                    log_action=log_action,
                    previous_revision=previous_revision,
                    skip_permission_checks=skip_permission_checks,
                )
        except PublishRefused as refusal:
            if log_action != SCHEDULED_PUBLISH:
                raise
            cancel_refused_schedule(self, revision, refusal)
            return None

    def copy(self, *args, **kwargs):
        """A copy of a service is a new service: always a draft, whatever ``keep_live`` says.

        It lands in the same region with the same code (or in another region with this one's
        curator and data), which only review catches; it goes live through the review workflow
        like any new service. ``copy_form_class`` leaves the editor no option to publish it.
        """
        kwargs["keep_live"] = False
        return super().copy(*args, **kwargs)

    def _set_core_field_defaults(self):
        # A page made in code without a slug (full or minimal clean): Wagtail would slugify the
        # title with Django's slugify, which drops Cyrillic now that slugs are Latin; transliterate
        # it instead, as the editor's script does («Единое пособие» -> edinoe-posobie).
        if not self.slug and self.path:
            base = slug_from_title(self.title)
            if base:
                self.slug = self._get_autogenerated_slug(base)
        super()._set_core_field_defaults()

    def clean(self):
        super().clean()
        self.service_code = (self.service_code or "").strip()
        pattern, message = SERVICE_CODE_FORMATS.get(
            self.code_level, SERVICE_CODE_FORMATS["regional"]
        )
        try:
            RegexValidator(pattern, message)(self.service_code)
        except ValidationError as error:
            raise ValidationError({"service_code": error}) from None
