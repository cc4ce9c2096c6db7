"""Russian personal data: phone, SNILS, INN, OGRN, passport, full name, address."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from constructor.formbuilder import identifiers
from constructor.formbuilder.registry import KEY_PATTERN, FieldType, register
from constructor.formbuilder.types.basic import TEXT_PATTERN, DateInput, no_control_characters


class NormalisingCharField(forms.CharField):
    """A CharField whose value goes through one of the ``identifiers`` normalisers."""

    def __init__(self, normalise, **kwargs):
        self.normalise = normalise
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.normalise(value) if value else value


class IdentifierField(FieldType):
    """A string identifier: a pattern, a format that runs the checksum, one normaliser."""

    pattern = ""
    format = ""
    max_length = 40
    autocomplete = "off"
    inputmode = "numeric"

    def normalise(self, field, value):
        raise NotImplementedError

    def json_schema(self, field):
        schema = {"type": "string", "pattern": self.pattern}
        if self.format:
            schema["format"] = self.format
        return schema

    def form_field(self, field):
        return NormalisingCharField(
            lambda value: self.normalise(field, value),
            max_length=self.max_length,
            widget=forms.TextInput(
                attrs={"autocomplete": self.autocomplete, "inputmode": self.inputmode}
            ),
            **self.field_kwargs(field),
        )


class PhoneField(IdentifierField):
    name = "phone"
    label = _("Phone")
    icon = "mobile-alt"
    description = _("A Russian phone number, stored as +7XXXXXXXXXX.")
    pattern = r"^\+7\d{10}$"
    autocomplete = "tel"
    inputmode = "tel"

    def normalise(self, field, value):
        return identifiers.normalise_phone(value)


class SnilsField(IdentifierField):
    name = "snils"
    label = _("SNILS")
    icon = "user"
    description = _("Individual insurance account number, with its check number.")
    pattern = r"^\d{11}$"
    format = "ru-snils"

    def normalise(self, field, value):
        return identifiers.validate_snils(value)


class InnField(IdentifierField):
    name = "inn"
    label = _("INN")
    icon = "user"
    description = _("Taxpayer number: 12 digits for a person, 10 for an organisation.")
    format = "ru-inn"
    patterns = {"individual": r"^\d{12}$", "organisation": r"^\d{10}$", "any": r"^\d{10}$|^\d{12}$"}

    def extra_children(self):
        return [
            (
                "kind",
                blocks.ChoiceBlock(
                    choices=[
                        ("individual", _("person (12 digits)")),
                        ("organisation", _("organisation (10 digits)")),
                        ("any", _("either")),
                    ],
                    default="individual",
                    label=_("Whose INN"),
                ),
            )
        ]

    def options(self, value):
        return {"kind": value.get("kind") or "individual"}

    def json_schema(self, field):
        return {
            "type": "string",
            "pattern": self.patterns[field["options"]["kind"]],
            "format": "ru-inn",
        }

    def normalise(self, field, value):
        return identifiers.validate_inn(value, field["options"]["kind"])


class OgrnField(IdentifierField):
    name = "ogrn"
    label = _("OGRN / OGRNIP")
    icon = "form"
    description = _("State registration number: 13 digits, or 15 for a sole proprietor.")
    pattern = r"^\d{13}$|^\d{15}$"
    format = "ru-ogrn"

    def normalise(self, field, value):
        return identifiers.validate_ogrn(value)


class CadastralNumberField(IdentifierField):
    name = "cadastral_number"
    label = _("Cadastral number")
    icon = "home"
    description = _("Cadastral number of a land plot or building, e.g. 71:30:030217:123.")
    pattern = identifiers.CADASTRAL_PATTERN
    inputmode = "text"

    def json_schema(self, field):
        return {**super().json_schema(field), "maxLength": identifiers.CADASTRAL_MAX_LENGTH}

    def normalise(self, field, value):
        return identifiers.validate_cadastral_number(value)


class CompositeWidget(forms.MultiWidget):
    """The inputs of one object answer, each with its own visible label and id.

    Draws itself wherever it is used (a step page or a repeatable group's row): an empty
    value, a list of parts (bound data) or the answer's dict (initial) all render.
    """

    def __init__(self, parts, attrs=None):
        self.part_names = [name for name, _field in parts]
        self.part_labels = [(field.label, field.required) for _name, field in parts]
        super().__init__(widgets={name: field.widget for name, field in parts}, attrs=attrs)

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get(name) for name in self.part_names]
        return [None] * len(self.part_names)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Ids follow the names (``id_x-name_surname``), what error summaries link to.
        id_ = context["widget"]["attrs"].get("id")
        if id_:
            for subwidget, suffix in zip(
                context["widget"]["subwidgets"], self.widgets_names, strict=True
            ):
                subwidget["attrs"]["id"] = f"{id_}{suffix}"
        return context

    def id_for_label(self, id_):
        return f"{id_}{self.widgets_names[0]}" if id_ else id_

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        optional = gettext("optional")
        parts = []
        for subwidget, (label, required) in zip(
            context["widget"]["subwidgets"], self.part_labels, strict=True
        ):
            sub = subwidget["attrs"]
            widget = self.widgets[len(parts)]
            html = widget.render(subwidget["name"], subwidget["value"], sub, renderer)
            suffix = (
                ""
                if required
                else format_html(' <span class="form-optional">({})</span>', optional)
            )
            parts.append((sub.get("id", ""), label, suffix, html))
        return format_html(
            '<div class="form-parts">{}</div>',
            format_html_join(
                "",
                '<div class="form-part"><label class="form-part__label" for="{}">{}{}</label>{}'
                "</div>",
                parts,
            ),
        )


class CompositeField(forms.MultiValueField):
    """Several inputs that make one JSON object; ``parts`` are (name, field, required)."""

    def __init__(self, parts, check=None, **kwargs):
        self.part_names = [name for name, _field in parts]
        self.check = check
        fields = [field for _name, field in parts]
        widget = CompositeWidget(parts)
        super().__init__(fields, widget=widget, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or all(value in (None, "") for value in data_list):
            return None
        value = {
            name: value
            for name, value in zip(self.part_names, data_list, strict=False)
            if value not in (None, "")
        }
        return self.check(value) if self.check else value


def _part(label, required=True, **kwargs):
    return forms.CharField(label=label, required=required, **kwargs)


NAME_PATTERN = r"^[А-ЯЁа-яё]+(?:[ '’-][А-ЯЁа-яё]+)*$"
cyrillic_name = RegexValidator(
    NAME_PATTERN,
    _("Use Russian letters, hyphens, spaces and apostrophes only, as in the passport."),
)


class ObjectField(FieldType):
    """A field whose answer is an object of string parts."""

    mapping_type = "object"
    # (name, label, required, JSON Schema of the part)
    parts = []

    def json_schema(self, field):
        return {
            "type": "object",
            "properties": {name: schema for name, _label, _req, schema in self.parts},
            "required": sorted(name for name, _label, required, _schema in self.parts if required),
            "additionalProperties": False,
        }

    def part_field(self, name, label, required):
        return _part(label, required, max_length=100, validators=[no_control_characters])

    def form_field(self, field):
        parts = [
            (name, self.part_field(name, label, required))
            for name, label, required, _schema in self.parts
        ]
        return CompositeField(parts, check=self.check, **self.field_kwargs(field))

    def check(self, value):
        missing = [
            str(label)
            for name, label, required, _schema in self.parts
            if required and not value.get(name)
        ]
        if missing:
            raise ValidationError(
                gettext("Fill in: %(parts)s.") % {"parts": ", ".join(missing)}, code="incomplete"
            )
        return value

    def from_answer(self, answer, field=None):
        if not answer:
            return None
        return [answer.get(name) for name, _label, _req, _schema in self.parts]


NAME_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": NAME_PATTERN}
PART_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": TEXT_PATTERN}


class FullNameField(ObjectField):
    name = "full_name"
    label = _("Full name")
    icon = "user"
    description = _("Surname, given name and patronymic (if any).")
    parts = [
        ("surname", _("Surname"), True, NAME_SCHEMA),
        ("given_name", _("Given name"), True, NAME_SCHEMA),
        ("patronymic", _("Patronymic (if any)"), False, NAME_SCHEMA),
    ]

    def part_field(self, name, label, required):
        return _part(label, required, max_length=100, validators=[cyrillic_name])


class AddressField(ObjectField):
    name = "address"
    label = _("Address")
    icon = "home"
    description = _("Region, locality, street, house, flat and a six-digit postcode.")
    parts = [
        ("postcode", _("Postcode"), True, {"type": "string", "pattern": r"^\d{6}$"}),
        ("region", _("Region"), True, PART_SCHEMA),
        ("locality", _("City, town or village"), True, PART_SCHEMA),
        ("street", _("Street"), True, PART_SCHEMA),
        ("house", _("House"), True, {**PART_SCHEMA, "maxLength": 20}),
        ("flat", _("Flat"), False, {**PART_SCHEMA, "maxLength": 20}),
    ]

    def part_field(self, name, label, required):
        if name == "postcode":
            return NormalisingCharField(
                identifiers.validate_postcode, label=label, required=required, max_length=8
            )
        max_length = 20 if name in ("house", "flat") else 100
        return _part(label, required, max_length=max_length, validators=[no_control_characters])


class PassportField(ObjectField):
    name = "passport"
    label = _("Russian passport")
    icon = "doc-full"
    description = _("Series, number, issue date and issuer code of a Russian passport.")
    parts = [
        ("series", _("Series"), True, {"type": "string", "pattern": r"^\d{4}$"}),
        ("number", _("Number"), True, {"type": "string", "pattern": r"^\d{6}$"}),
        (
            "issue_date",
            _("Issue date"),
            True,
            {"type": "string", "format": "date", "x-date": {"relative": "not_future"}},
        ),
        ("issuer_code", _("Issuer code"), True, {"type": "string", "pattern": r"^\d{3}-\d{3}$"}),
    ]

    def extra_children(self):
        return [
            (
                "birth_date_field",
                blocks.RegexBlock(
                    KEY_PATTERN,
                    required=False,
                    label=_("Birth date field"),
                    help_text=_(
                        "Key of an earlier date field with the holder's birth date: the passport "
                        "must be issued at 14 or later."
                    ),
                ),
            )
        ]

    def options(self, value):
        return {"birth_date_field": value.get("birth_date_field") or None}

    def part_field(self, name, label, required):
        if name == "issue_date":
            return forms.DateField(
                label=label,
                required=required,
                input_formats=["%Y-%m-%d", "%d.%m.%Y"],
                widget=DateInput(),
            )
        return _part(label, required, max_length=12)

    def check(self, value):
        value = super().check(value)
        normalised = identifiers.validate_passport(
            value["series"], value["number"], value["issue_date"], value["issuer_code"]
        )
        normalised["issue_date"] = normalised["issue_date"].isoformat()
        return normalised

    def from_answer(self, answer, field=None):
        values = super().from_answer(answer, field)
        if values and values[2]:
            values[2] = datetime.date.fromisoformat(values[2])
        return values

    def cross_check(self, field, answer, answers):
        """The 14th-birthday rule needs the birth date from another field."""
        birth_key = field["options"].get("birth_date_field")
        birth = answers.get(birth_key) if birth_key else None
        if not answer or not isinstance(birth, str):
            return
        identifiers.validate_passport_issue_date(
            identifiers.parse_iso_date(answer["issue_date"]), identifiers.parse_iso_date(birth)
        )


class BankAccountField(ObjectField):
    name = "bank_account"
    label = _("Bank account")
    icon = "doc-full"
    description = _("Bank details for a payment: the bank's BIK and a 20-digit account number.")
    parts = [
        ("bik", _("BIK of the bank"), True, {"type": "string", "pattern": r"^\d{9}$"}),
        ("account", _("Account number"), True, {"type": "string", "pattern": r"^\d{20}$"}),
    ]

    def json_schema(self, field):
        return {**super().json_schema(field), "format": "ru-bank-account"}

    def check(self, value):
        value = super().check(value)
        identifiers.check_bank_account(value)
        return value

    def part_field(self, name, label, required):
        normalise = identifiers.validate_bik if name == "bik" else identifiers.validate_account
        return NormalisingCharField(
            normalise,
            label=label,
            required=required,
            max_length=40,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )


for field_type in (
    FullNameField,
    PhoneField,
    SnilsField,
    InnField,
    OgrnField,
    PassportField,
    AddressField,
    CadastralNumberField,
    BankAccountField,
):
    register(field_type())
