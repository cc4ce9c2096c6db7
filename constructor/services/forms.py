from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm

from sites.permissions import regions_for_user


class ServicePageForm(WagtailAdminPageForm):
    """Page editor form that also knows the parent, so it can spot duplicate codes in a region.

    A refused application form is also named in words at the top of the editor, one line per
    problem («Шаг «Контакты», поле «Телефон»: …»): Wagtail's message there lists the form's
    non-field errors, while each block only marks itself, maybe in a collapsed step or tab.
    """

    def clean(self):
        cleaned_data = super().clean()
        for error in self.errors.get("application_form", ErrorList()).as_data():
            for problem in getattr(error, "problems", ()):
                self.add_error(None, str(problem))
        code = (cleaned_data.get("service_code") or "").strip()
        parent = self.parent_page
        if code and parent is not None:
            siblings = type(self.instance).objects.child_of(parent).filter(service_code=code)
            if self.instance.pk:
                siblings = siblings.exclude(pk=self.instance.pk)
            if siblings.exists():
                self.add_error(
                    "service_code",
                    _("This region already has a service with code %(code)s: «%(title)s».")
                    % {"code": code, "title": siblings.first().title},
                )
        return cleaned_data


class ServicePageCopyForm(CopyForm):
    """Copying a service makes a draft: no "publish the copy", no alias (a live copy as well).

    The copy is a new service that goes live through review (see ``ServicePage.copy``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("publish_copies", None)
        self.fields.pop("alias", None)


class CuratorForm(WagtailAdminModelForm):
    """Curator editor form offering only the regions the official works in (invariant 6)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None or "region" not in self.fields:
            return
        regions = regions_for_user(self.for_user)
        self.fields["region"].queryset = regions
        if not self.instance.pk and len(regions) == 1:
            self.fields["region"].initial = regions[0].pk
