"""Mapping blocks: how a service's answers become the agency's payload.

A ``payload_mapping`` stream holds ``rule`` blocks; each rule fills one target of the agency's
payload schema (a JSON pointer) from a source (a form field, a constant or a system value),
through optional transforms. The raw shape is fixed by docs/INTEGRATION.md; the checker
(``constructor.integrations.proof.checker``) reads it through ``rules_from_stream``.

The target and field inputs stay plain text, so they work without JavaScript; in the editor
``mapping-chooser.js`` offers the agency's targets and the form's fields as suggestions.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

SOURCE_CHOICES = [
    ("field", _("Form field")),
    ("constant", _("Constant")),
    ("system", _("System value")),
]
SYSTEM_CHOICES = [
    ("number", _("Application number")),
    ("submitted_at", _("Submission date and time")),
    ("submitted_on", _("Submission date")),
    ("region_code", _("Region code")),
    ("form_version", _("Form version")),
    ("service_code", _("Service code")),
]
DATE_FORMAT_CHOICES = [
    ("%d.%m.%Y", _("DD.MM.YYYY (31.12.2024)")),
    ("%Y-%m-%d", _("YYYY-MM-DD (2024-12-31)")),
    ("%Y%m%d", _("YYYYMMDD (20241231)")),
]


class NoOptionsBlock(blocks.StructBlock):
    """A transform without options: its raw value is ``{}``."""

    class Meta:
        icon = "cog"
        form_classname = "mapping-transform mapping-transform--plain"


class DateFormatBlock(blocks.StructBlock):
    format = blocks.ChoiceBlock(
        choices=DATE_FORMAT_CHOICES, default="%d.%m.%Y", label=_("Date format")
    )

    class Meta:
        icon = "date"
        label = _("Date format")
        help_text = _("Turns a date from the form into the format the agency expects.")


class JoinBlock(blocks.StructBlock):
    separator = blocks.CharBlock(
        label=_("Separator"),
        required=False,
        default=" ",
        max_length=10,
        help_text=_("Put between the parts; a space by default. Empty parts are skipped."),
    )

    class Meta:
        icon = "link"
        label = _("Join into one line")
        help_text = _("E.g. surname, name and patronymic into one string.")


class SplitBlock(blocks.StructBlock):
    separator = blocks.CharBlock(
        label=_("Separator"),
        required=False,
        default=",",
        max_length=10,
        help_text=_("Where to cut the text; a comma by default."),
    )

    class Meta:
        icon = "cut"
        label = _("Split into a list")
        help_text = _("Cuts a text into a list of trimmed, non-empty items.")


class LookupBlock(blocks.StructBlock):
    table = blocks.ListBlock(
        blocks.StructBlock(
            [
                (
                    "from",
                    blocks.CharBlock(
                        label=_("Form code"),
                        max_length=100,
                        help_text=_("An option code of the form (for yes/no: true or false)."),
                    ),
                ),
                (
                    "to",
                    blocks.CharBlock(
                        label=_("Agency code"),
                        max_length=100,
                        help_text=_("The code the agency expects for it."),
                    ),
                ),
            ],
            label=_("Pair of codes"),
            icon="arrow-right",
        ),
        label=_("Code table"),
        collapsed=False,
    )
    fallback = blocks.CharBlock(
        label=_("Code for anything else"),
        required=False,
        max_length=100,
        help_text=_("Sent for a form code missing from the table. Leave empty for none."),
    )

    class Meta:
        icon = "table"
        label = _("Code lookup")
        help_text = _("Translates the form's option codes into the agency's codes.")


def _plain(label, help_text, icon):
    return NoOptionsBlock(label=label, help_text=help_text, icon=icon)


class TransformsBlock(blocks.StreamBlock):
    date_format = DateFormatBlock()
    join = JoinBlock()
    split = SplitBlock()
    digits_only = _plain(
        _("Digits only"), _("Keeps only the digits, e.g. of a phone number or SNILS."), "decimal"
    )
    upper = _plain(_("Upper case"), _("Turns the text into capital letters."), "title")
    to_integer = _plain(_("To an integer"), _("Turns a text of digits into a number."), "decimal")
    to_number = _plain(_("To a number"), _("Turns a text into a number."), "decimal")
    lookup = LookupBlock()

    class Meta:
        required = False
        collapsed = True
        label = _("Transforms")


class RuleBlock(blocks.StructBlock):
    target = blocks.CharBlock(
        label=_("Agency field"),
        max_length=500,
        help_text=_(
            "Where the value goes in the agency's payload, e.g. /applicant/last_name. "
            "Pick it from the list of the integration's fields."
        ),
        form_classname="mapping-rule__target",
    )
    source = blocks.ChoiceBlock(
        choices=SOURCE_CHOICES, default="field", label=_("Take the value from")
    )
    field = blocks.CharBlock(
        label=_("Form field"),
        required=False,
        max_length=300,
        help_text=_(
            "The key of the form field, e.g. applicant_name.surname or children.birth_date. "
            "Pick it from the list of the form's fields."
        ),
        form_classname="mapping-rule__field",
    )
    constant = blocks.CharBlock(
        label=_("Constant"),
        required=False,
        max_length=500,
        help_text=_("The text sent as it is typed, when the value is a constant."),
    )
    system = blocks.ChoiceBlock(
        choices=SYSTEM_CHOICES,
        required=False,
        label=_("System value"),
        help_text=_("Filled in by the portal when the application is submitted."),
    )
    transforms = TransformsBlock()
    default = blocks.CharBlock(
        label=_("Default value"),
        required=False,
        max_length=500,
        help_text=_("Sent when the citizen left the field empty. Leave empty for none."),
    )

    class Meta:
        icon = "arrow-right"
        label = _("Rule")
        label_format = "{target}"
        form_classname = "mapping-rule"
        help_text = _("One field of the agency's payload and where its value comes from.")


class PayloadMappingBlock(blocks.StreamBlock):
    """The mapping of one service page; checked against the agency schema on publish."""

    rule = RuleBlock()

    class Meta:
        required = False

    def value_from_datadict(self, data, files, prefix):
        # A submission without the mapping (an older form, a script) keeps it empty.
        if f"{prefix}-count" not in data:
            return blocks.StreamValue(self, [])
        return super().value_from_datadict(data, files, prefix)
