from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from constructor.registry.models import ServiceStandard, landing_block_choices
from sites.models import Region


class ServiceStandardForm(WagtailAdminModelForm):
    """Registry entry editor: mandatory blocks are ticked from the landing block list."""

    mandatory_blocks = forms.MultipleChoiceField(
        label=_("Mandatory landing blocks"),
        choices=landing_block_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
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
