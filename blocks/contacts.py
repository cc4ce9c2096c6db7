"""Landing blocks that tell people where to go and whom to ask."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images import get_image_model

from constructor.admin_wording import WordedSnippetChooserBlock

CURATOR_PHOTO_SPEC = "fill-240x240"


class OpeningHoursBlock(blocks.StructBlock):
    days = blocks.CharBlock(label=_("Days"), max_length=60)
    hours = blocks.CharBlock(label=_("Hours"), max_length=60)

    class Meta:
        icon = "time"
        label = _("Opening hours")


class OfficeBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=255)
    address = blocks.CharBlock(label=_("Address"), max_length=255)
    opening_hours = blocks.ListBlock(OpeningHoursBlock(), label=_("Opening hours"), min_num=1)
    phone = blocks.CharBlock(label=_("Phone"), max_length=40, required=False)
    accessibility = blocks.TextBlock(
        label=_("Accessibility"),
        required=False,
        help_text=_("Step-free access, lift, parking for disabled people, sign language."),
    )
    directions = blocks.TextBlock(label=_("How to get there"), required=False)

    class Meta:
        icon = "home"
        label = _("Office")


class OfficesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Где подать лично")
    offices = blocks.ListBlock(OfficeBlock(), label=_("Offices"), min_num=1)

    class Meta:
        icon = "site"
        template = "blocks/offices.html"
        label = _("Offices")
        description = _("MFC and agency offices: address, hours, phone and accessibility.")
        preview_value = {
            "heading": "Где подать лично",
            "offices": [
                {
                    "name": "МФЦ «Мои документы», Калуга",
                    "address": "248000, г. Калуга, ул. Кирова, д. 1",
                    "opening_hours": [
                        {"days": "Пн–Пт", "hours": "08:00–20:00"},
                        {"days": "Сб", "hours": "09:00–16:00"},
                    ],
                    "phone": "+7 (4842) 00-00-00",
                    "accessibility": "Пандус у входа, лифт, парковка для людей с инвалидностью.",
                }
            ],
        }


class CuratorChooserBlock(WordedSnippetChooserBlock):
    """Chooses a curator and loads every curator's photo with one query per page."""

    def bulk_to_python(self, values):
        renditions = Prefetch(
            "photo__renditions",
            queryset=get_image_model()
            .get_rendition_model()
            .objects.filter(filter_spec=CURATOR_PHOTO_SPEC),
        )
        objects = (
            self.target_model.objects.select_related("photo")
            .prefetch_related(renditions)
            .in_bulk([value for value in values if value is not None])
        )
        return [objects.get(value) for value in values]


# What the curator does, and nothing the product cannot back: citizens leave no reviews yet.
CURATOR_NOTE = "Отвечает за качество этой услуги в регионе."


class CuratorBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Куратор услуги")
    curator = CuratorChooserBlock("services.Curator", label=_("Curator"))
    note = blocks.TextBlock(
        label=_("Note"),
        required=False,
        default=CURATOR_NOTE,
    )

    class Meta:
        icon = "user"
        template = "blocks/curator.html"
        label = _("Service curator")
        description = _(
            "The official responsible for the service, with photo; "
            "shown only if the curator consented to publication."
        )


class SupportBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Остались вопросы?")
    phone = blocks.CharBlock(label=_("Phone"), max_length=40, required=False)
    phone_note = blocks.CharBlock(
        label=_("About the phone line"), required=False, default="Звонок по России бесплатный"
    )
    email = blocks.EmailBlock(label=_("E-mail"), required=False)
    hours = blocks.CharBlock(label=_("Hours"), required=False)
    feedback_url = blocks.URLBlock(label=_("Feedback form"), required=False)

    class Meta:
        icon = "help"
        template = "blocks/support.html"
        label = _("Support contacts")
        description = _("Where to call or write with questions about the service.")
        preview_value = {
            "heading": "Остались вопросы?",
            "phone": "8 800 100-70-10",
            "phone_note": "Звонок по России бесплатный",
            "email": "support@gosuslugi.ru",
            "hours": "Круглосуточно",
        }
