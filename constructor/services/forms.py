from django.forms.utils import ErrorList
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm

from blocks.form import errors_at
from blocks.landing import LandingStreamBlock
from constructor.services.curators import Curator
from sites.permissions import regions_for_user

# The buttons that send a page to review (Wagtail's names for them in the editor's form).
SUBMIT_ACTIONS = ("action-submit", "action-restart-workflow")


class ServicePageForm(WagtailAdminPageForm):
    """Page editor form that also knows the parent, so it can spot duplicate codes in a region,
    and refuses to submit for review a page naming a curator who has not consented.

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
        if any(action in self.data for action in SUBMIT_ACTIONS) and "body" not in self.errors:
            self.check_curator_consent(cleaned_data.get("body"))
        return cleaned_data

    def check_curator_consent(self, body):
        """Each curator block naming a curator without consent gets the error at its curator.

        A draft may keep such a curator while the consent is on its way; the review would send
        the page back for it anyway (the quality rule «curator»), so the submission stops here,
        at the block, with what to do.
        """
        raw = body.get_prep_value() if body is not None else []
        chosen = {
            index: child["value"].get("curator")
            for index, child in enumerate(raw)
            if child.get("type") == "curator" and child.get("value")
        }
        refused = Curator.objects.filter(pk__in=chosen.values(), consent_to_publish=False)
        names = {curator.pk: curator.full_name for curator in refused}
        located = [
            (
                (index, "curator"),
                gettext(
                    "%(name)s has not consented to publication, so the page cannot name them. "
                    "Ask the curator to give consent in writing and tick it in their card, "
                    "or choose another curator."
                )
                % {"name": names[pk]},
            )
            for index, pk in chosen.items()
            if pk in names
        ]
        if located:
            self.add_error("body", errors_at(LandingStreamBlock(), raw, located))


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
