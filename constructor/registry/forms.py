from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from constructor.registry.models import ServiceStandard, landing_block_choices
from constructor.services.mapping import (
    NO_FORM,
    NO_INTEGRATION,
    errors,
    mapping_stream_errors,
    page_mapping_problems,
    stream_data,
)
from sites.models import Region


class ServiceStandardForm(WagtailAdminModelForm):
    """Registry entry editor: mandatory blocks are ticked from the landing block list.

    Every save checks the reference application the way a page is checked on publish: the form
    blocks run the editor checks themselves, then the mapping checker proves the mapping against
    the integration's schema, each error beside its rule. A standard is not draftable, so
    nothing defers the checks: a standard never hands out a reference that could not go live.
    """

    mandatory_blocks = forms.MultipleChoiceField(
        label=_("Mandatory landing blocks"),
        choices=landing_block_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        cleaned_data = super().clean()
        self.check_reference_mapping(cleaned_data)
        return cleaned_data

    def check_reference_mapping(self, cleaned_data):
        names = ("integration", "payload_mapping", "application_form")
        if any(name not in self.fields or name in self.errors for name in names):
            return  # the form's own problems come first
        mapping_raw = stream_data(cleaned_data.get("payload_mapping"))
        integration = cleaned_data.get("integration")
        problems = page_mapping_problems(
            cleaned_data.get("application_form"), mapping_raw, integration
        )
        page_level = [p for p in errors(problems) if p.code in (NO_FORM, NO_INTEGRATION)]
        for problem in page_level:
            self.add_error("integration", self.reference_message(problem.code, integration))
        stream_error = mapping_stream_errors(
            mapping_raw, [p for p in problems or [] if p not in page_level]
        )
        if stream_error is not None:
            self.add_error("payload_mapping", stream_error)

    @staticmethod
    def reference_message(code, integration):
        """The checker's two page-level problems, said of the standard."""
        if code == NO_FORM:
            return _(
                "Applications go to «%(integration)s», but the standard has no reference "
                "form: add the form or remove the integration."
            ) % {"integration": integration}
        return _(
            "The standard has mapping rules but no agency integration: choose the integration "
            "or delete the rules."
        )


class CreateFromStandardForm(forms.Form):
    """Which registry entry a regional official starts a new service page from, and where."""

    standard = forms.ModelChoiceField(
        label=_("Registry entry"),
        queryset=ServiceStandard.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the registry entry the service implements.")},
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        error_messages={"required": _("Choose the region the service is for.")},
    )

    def __init__(self, *args, standards, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards
        self.fields["region"].queryset = regions
        if len(regions) == 1:
            self.fields["region"].initial = regions[0].pk

    def clean(self):
        cleaned_data = super().clean()
        standard, region = cleaned_data.get("standard"), cleaned_data.get("region")
        if standard and region:
            if standard.region_id not in (None, region.pk):
                self.add_error(
                    "standard",
                    _("This regional service belongs to %(region)s.") % {"region": standard.region},
                )
            elif (
                region.home_page.get_children()
                .filter(servicepage__service_code=standard.code)
                .exists()
            ):
                self.add_error(
                    "standard",
                    _("%(region)s already has a service with code %(code)s; edit it instead.")
                    % {"region": region, "code": standard.code},
                )
        return cleaned_data
