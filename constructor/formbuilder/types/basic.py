"""General field types: text, numbers, dates, choices, yes/no, e-mail, consent, info, files."""

import decimal
import hashlib
import math
import pathlib

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from constructor.formbuilder.dates import check_date_bounds
from constructor.formbuilder.registry import (
    KEY_INPUT_CLASS,
    FieldType,
    lazy_format,
    list_items,
    register,
)
from constructor.formbuilder.uploads import vet_upload

# Printable text: no control characters, nothing but spaces at either end (forms strip them).
TEXT_PATTERN = r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"
# Long text also keeps line breaks and tabs.
TEXTAREA_PATTERN = r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"
no_control_characters = RegexValidator(
    r"^[^\x00-\x1f\x7f]*$",
    _("Remove special characters (such as tabs or control codes) from the text."),
)
no_control_characters_multiline = RegexValidator(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
    _("Remove special characters (control codes) from the text."),
)
OPTION_CODE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,49}$"


def max_length_child(limit, help_text, *, min_value=1):
    """The optional "Maximum length" child of a text-like field; ``help_text`` names ``%(n)s``."""
    return (
        "max_length",
        blocks.IntegerBlock(
            label=_("Maximum length"),
            required=False,
            min_value=min_value,
            max_value=limit,
            help_text=lazy_format(help_text, n=limit),
        ),
    )


class TextField(FieldType):
    name = "text"
    label = _("Short text")
    icon = "pilcrow"
    description = _("One line of text: a name, a number from a document.")
    default_max_length = 255
    pattern = TEXT_PATTERN

    def extra_children(self):
        return [max_length_child(self.default_max_length, _("In characters; empty means %(n)s."))]

    def options(self, value):
        return {"max_length": value.get("max_length") or self.default_max_length}

    def json_schema(self, field):
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": field["options"]["max_length"],
            "pattern": self.pattern,
        }

    def form_field(self, field):
        return forms.CharField(
            max_length=field["options"]["max_length"],
            validators=[no_control_characters],
            **self.field_kwargs(field),
        )


class TextareaField(TextField):
    name = "textarea"
    label = _("Long text")
    icon = "doc-full"
    description = _("Several lines: a description, a reason.")
    default_max_length = 4000
    pattern = TEXTAREA_PATTERN

    def form_field(self, field):
        return forms.CharField(
            max_length=field["options"]["max_length"],
            validators=[no_control_characters_multiline],
            widget=forms.Textarea(attrs={"rows": 5}),
            **self.field_kwargs(field),
        )


class NumberField(FieldType):
    name = "number"
    label = _("Number")
    icon = "order"
    description = _("A whole or decimal number with optional bounds.")
    mapping_type = "number"
    decimal_places = 2

    def extra_children(self):
        return [
            (
                "kind",
                blocks.ChoiceBlock(
                    choices=[("integer", _("whole number")), ("decimal", _("decimal number"))],
                    default="integer",
                    label=_("Kind"),
                ),
            ),
            ("min_value", blocks.FloatBlock(label=_("Minimum"), required=False)),
            ("max_value", blocks.FloatBlock(label=_("Maximum"), required=False)),
        ]

    def options(self, value):
        kind = value.get("kind") or "integer"
        low, high = value.get("min_value"), value.get("max_value")
        if kind == "integer":
            low = None if low is None else math.ceil(low)
            high = None if high is None else math.floor(high)
        return {"kind": kind, "min": low, "max": high}

    def checks(self, value):
        low, high = value.get("min_value"), value.get("max_value")
        if low is not None and high is not None and low > high:
            return [(("max_value",), gettext("The maximum is below the minimum."))]
        return []

    def json_schema(self, field):
        opts = field["options"]
        schema = {"type": "integer" if opts["kind"] == "integer" else "number"}
        if opts["kind"] == "decimal":
            schema["x-decimal-places"] = self.decimal_places
        if opts["min"] is not None:
            schema["minimum"] = opts["min"]
        if opts["max"] is not None:
            schema["maximum"] = opts["max"]
        return schema

    def form_field(self, field):
        opts = field["options"]
        kwargs = self.field_kwargs(field)
        if opts["kind"] == "integer":
            return forms.IntegerField(min_value=opts["min"], max_value=opts["max"], **kwargs)
        return forms.DecimalField(
            min_value=None if opts["min"] is None else decimal.Decimal(str(opts["min"])),
            max_value=None if opts["max"] is None else decimal.Decimal(str(opts["max"])),
            max_digits=15,
            decimal_places=self.decimal_places,
            **kwargs,
        )

    def to_answer(self, cleaned):
        if cleaned is None:
            return None
        if isinstance(cleaned, decimal.Decimal):
            return int(cleaned) if cleaned == cleaned.to_integral_value() else float(cleaned)
        return cleaned

    def condition_value(self, field, text):
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() else number


DATE_RELATIVE = [
    ("", _("no relative bound")),
    ("not_future", _("not in the future")),
    ("not_past", _("not in the past")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateField(FieldType):
    name = "date"
    label = _("Date")
    icon = "date"
    description = _("A date, with bounds such as not in the future or age at least 18.")
    mapping_type = "date"

    def extra_children(self):
        return [
            ("min_date", blocks.DateBlock(label=_("Earliest date"), required=False)),
            ("max_date", blocks.DateBlock(label=_("Latest date"), required=False)),
            (
                "relative",
                blocks.ChoiceBlock(
                    choices=DATE_RELATIVE, required=False, label=_("Relative to today")
                ),
            ),
            (
                "min_age",
                blocks.IntegerBlock(
                    label=_("Age at least (years)"),
                    required=False,
                    min_value=1,
                    max_value=120,
                    help_text=_("For a birth date: the person is at least this old today."),
                ),
            ),
        ]

    def options(self, value):
        def iso(day):
            return day.isoformat() if hasattr(day, "isoformat") else (day or None)

        return {
            "min": iso(value.get("min_date")),
            "max": iso(value.get("max_date")),
            "relative": value.get("relative") or "",
            "min_age": value.get("min_age") or None,
        }

    def checks(self, value):
        low, high = value.get("min_date"), value.get("max_date")
        if low and high and str(low) > str(high):
            return [(("max_date",), gettext("The latest date is before the earliest date."))]
        return []

    def json_schema(self, field):
        return {"type": "string", "format": "date", "x-date": field["options"]}

    def form_field(self, field):
        bounds = field["options"]
        return forms.DateField(
            input_formats=["%Y-%m-%d", "%d.%m.%Y"],
            widget=DateInput(),
            validators=[lambda day: check_date_bounds(day, bounds)],
            **self.field_kwargs(field),
        )

    def to_answer(self, cleaned):
        return cleaned.isoformat() if cleaned else None


class OptionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=255)
    code = blocks.RegexBlock(
        OPTION_CODE_PATTERN,
        label=_("Code"),
        required=False,
        help_text=_(
            "Made from the label when left empty, and kept when the label is reworded: "
            "conditions and the agency mapping refer to it."
        ),
        error_messages={"invalid": _("Latin letters, digits, - and _, e.g. benefit_large.")},
        form_classname=KEY_INPUT_CLASS,
    )

    class Meta:
        icon = "list-ul"
        label = _("Option")


class ChoiceField(FieldType):
    name = "choice"
    label = _("Choice")
    icon = "list-ul"
    description = _("Radio buttons, a drop-down list or checkboxes; each option has a code.")
    mapping_type = "code"

    def extra_children(self):
        return [
            (
                "widget",
                blocks.ChoiceBlock(
                    choices=[
                        ("radio", _("radio buttons (one answer)")),
                        ("select", _("drop-down list (one answer)")),
                        ("checkboxes", _("checkboxes (several answers)")),
                    ],
                    default="radio",
                    label=_("Shown as"),
                ),
            ),
            ("choices", blocks.ListBlock(OptionBlock(), label=_("Options"), min_num=0)),
        ]

    def options(self, value):
        return {
            "widget": value.get("widget") or "radio",
            "choices": [
                {"code": option.get("code") or "", "label": option.get("label") or ""}
                for option in list_items(value.get("choices"))
            ],
        }

    def checks(self, value):
        choices = list_items(value.get("choices"))
        if not choices:
            return [(("choices",), gettext("Add at least one option."))]
        problems, seen = [], set()
        for index, option in enumerate(choices):
            code = option.get("code")
            if code in seen:
                problems.append(
                    (
                        ("choices", index, "code"),
                        gettext("The code %(code)s is already used by another option.")
                        % {"code": code},
                    )
                )
            seen.add(code)
        return problems

    def is_multiple(self, field):
        return field["options"]["widget"] == "checkboxes"

    def json_schema(self, field):
        codes = [choice["code"] for choice in field["options"]["choices"]]
        if self.is_multiple(field):
            return {
                "type": "array",
                "items": {"enum": codes},
                "minItems": 1,
                "uniqueItems": True,
            }
        return {"type": "string", "enum": codes}

    def form_field(self, field):
        choices = [(choice["code"], choice["label"]) for choice in field["options"]["choices"]]
        kwargs = self.field_kwargs(field)
        widget = field["options"]["widget"]
        if widget == "checkboxes":
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs
            )
        if widget == "select":
            return forms.ChoiceField(choices=[("", "—"), *choices], **kwargs)
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **kwargs)

    def to_answer(self, cleaned):
        if isinstance(cleaned, list):
            return sorted(set(cleaned)) or None
        return cleaned or None


class YesNoField(FieldType):
    name = "yes_no"
    label = _("Yes or no")
    icon = "tick"
    description = _("A question answered yes or no.")
    mapping_type = "boolean"
    choices = [("yes", _("Yes")), ("no", _("No"))]

    def json_schema(self, field):
        return {"type": "boolean"}

    def form_field(self, field):
        return forms.TypedChoiceField(
            choices=self.choices,
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **self.field_kwargs(field),
        )

    def to_answer(self, cleaned):
        return cleaned if isinstance(cleaned, bool) else None

    def from_answer(self, answer, field=None):
        return {True: "yes", False: "no"}.get(answer)

    def condition_value(self, field, text):
        return text.strip().lower() in ("true", "yes", "1", "да")


class EmailField(FieldType):
    name = "email"
    label = _("E-mail")
    icon = "mail"
    description = _("An e-mail address.")
    default_max_length = 254

    def extra_children(self):
        help_text = _(
            "In characters, when the agency accepts shorter addresses; empty means %(n)s."
        )
        return [max_length_child(self.default_max_length, help_text, min_value=6)]

    def options(self, value):
        # Only a limit the editor set: forms without one compile exactly as before.
        return {"max_length": value["max_length"]} if value.get("max_length") else {}

    def json_schema(self, field):
        limit = field["options"].get("max_length") or self.default_max_length
        return {"type": "string", "format": "email", "maxLength": limit}

    def form_field(self, field):
        return forms.EmailField(
            max_length=field["options"].get("max_length") or self.default_max_length,
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            **self.field_kwargs(field),
        )


class ConsentField(FieldType):
    name = "consent"
    label = _("Consent to personal-data processing")
    icon = "lock"
    description = _("A checkbox with the consent text (152-FZ).")
    mapping_type = "boolean"

    def extra_children(self):
        return [("text", blocks.TextBlock(label=_("Consent text")))]

    def options(self, value):
        return {"text": value.get("text") or ""}

    def json_schema(self, field):
        return {"const": True}

    def form_field(self, field):
        return forms.BooleanField(
            error_messages={"required": gettext("Give your consent to continue.")},
            **self.field_kwargs(field),
        )

    def to_answer(self, cleaned):
        return True if cleaned else None


class InfoField(FieldType):
    name = "info"
    label = _("Information text")
    icon = "info-circle"
    description = _("Text shown in the step; it asks nothing.")
    has_answer = False

    def extra_children(self):
        return [
            ("heading", blocks.CharBlock(label=_("Heading"), required=False, max_length=255)),
            ("text", blocks.TextBlock(label=_("Text"))),
        ]

    def options(self, value):
        return {"heading": value.get("heading") or "", "text": value.get("text") or ""}


FILE_TYPES = {
    "pdf": ("application/pdf", _("PDF")),
    "jpeg": ("image/jpeg", _("JPEG image")),
    "png": ("image/png", _("PNG image")),
}


# What a file's name claims it is; the content must say the same.
EXTENSION_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


MEGABYTE = 1024 * 1024
FILE_NAME_PLACEHOLDER = "__name__"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploads at once; an empty upload keeps the files the answers already hold."""

    def __init__(self, *, allowed, max_size, max_files, **kwargs):
        self.allowed, self.max_size, self.max_files = allowed, max_size, max_files
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ",".join([*allowed, *self.extensions()])}),
        )
        super().__init__(**kwargs)

    def extensions(self):
        return [ext for ext, mime in EXTENSION_TYPES.items() if mime in self.allowed]

    def widget_attrs(self, widget):
        """The limits application-form.js checks before anything is sent, in the server's words.

        ``__name__`` in a message stands for the chosen file's name.
        """
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "data-max-size": str(self.max_size),
                "data-max-files": str(self.max_files),
                "data-extensions": " ".join(self.extensions()),
                "data-too-large": self.too_large_message(FILE_NAME_PLACEHOLDER),
                "data-wrong-type": self.wrong_type_message(FILE_NAME_PLACEHOLDER),
                "data-too-many": self.too_many_message(),
            }
        )
        return attrs

    def rules(self):
        """The limits said under the input, before the citizen chooses anything."""
        formats = ", ".join(
            code.upper() for code, (mime, _label) in FILE_TYPES.items() if mime in self.allowed
        )
        sentences = [gettext("Formats: %(types)s.") % {"types": formats}]
        if self.max_files == 1:
            sentences += [
                gettext("Size: no more than %(mb)s MB.") % {"mb": self.max_megabytes()},
                gettext("You can attach one file."),
            ]
        else:
            sentences += [
                gettext("Size of each file: no more than %(mb)s MB.")
                % {"mb": self.max_megabytes()},
                ngettext(
                    "You can attach up to %(n)s file.",
                    "You can attach up to %(n)s files.",
                    self.max_files,
                )
                % {"n": self.max_files},
            ]
        return " ".join(sentences)

    def clean(self, data, initial=None):
        uploads = [item for item in (data or []) if item]
        if not uploads:
            if initial:
                return initial
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise self.too_many_files()
        for upload in uploads:
            self.check_upload(upload)
        return uploads

    def too_many_files(self):
        return ValidationError(self.too_many_message(), code="too_many_files")

    def too_large(self, name):
        return ValidationError(self.too_large_message(name), code="too_large")

    def too_many_message(self):
        return gettext("Attach no more than %(n)s files.") % {"n": self.max_files}

    def too_large_message(self, name):
        return gettext("The file %(name)s is larger than %(mb)s MB.") % {
            "name": name,
            "mb": self.max_megabytes(),
        }

    def wrong_type_message(self, name):
        return gettext("The file %(name)s is not one of the allowed types: %(types)s.") % {
            "name": name,
            "types": self.allowed_names(),
        }

    def max_megabytes(self):
        return self.max_size // MEGABYTE

    def check_upload(self, upload):
        if upload.size == 0:
            raise ValidationError(
                gettext("The file %(name)s is empty.") % {"name": upload.name}, code="empty"
            )
        if upload.size > self.max_size:
            raise self.too_large(upload.name)
        claimed = EXTENSION_TYPES.get(pathlib.PurePath(upload.name or "").suffix.lower())
        if claimed not in self.allowed:
            raise ValidationError(self.wrong_type_message(upload.name), code="file_type")
        head = upload.read(8192)
        upload.seek(0)
        kind = filetype.guess(head)
        if kind is None or kind.mime != claimed:
            # A renamed file: a picture called .pdf, a program called .jpg.
            raise ValidationError(
                gettext("The content of the file %(name)s does not match its extension.")
                % {"name": upload.name},
                code="file_content",
            )
        upload.content_type = kind.mime
        vet_upload(upload, kind.mime, self.max_size)

    def allowed_names(self):
        return ", ".join(str(label) for mime, label in FILE_TYPES.values() if mime in self.allowed)


def file_id(upload):
    """Content address of an upload: the default id when the flow does not store files itself."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class FileField(FieldType):
    name = "file"
    label = _("File upload")
    icon = "doc-full-inverse"
    description = _("Scans or photos of documents: allowed types, size limit, number of files.")
    mapping_type = "files"
    is_list = True

    def extra_children(self):
        return [
            (
                "allowed_types",
                blocks.MultipleChoiceBlock(
                    choices=[(code, label) for code, (_mime, label) in FILE_TYPES.items()],
                    default=["pdf", "jpeg", "png"],
                    label=_("Allowed types"),
                ),
            ),
            (
                "max_size_mb",
                blocks.IntegerBlock(
                    label=_("Maximum size of one file, MB"), default=10, min_value=1, max_value=50
                ),
            ),
            (
                "max_files",
                blocks.IntegerBlock(
                    label=_("Maximum number of files"), default=1, min_value=1, max_value=20
                ),
            ),
        ]

    def options(self, value):
        types = value.get("allowed_types") or ["pdf", "jpeg", "png"]
        return {
            "content_types": sorted(FILE_TYPES[code][0] for code in types if code in FILE_TYPES),
            "max_size": (value.get("max_size_mb") or 10) * MEGABYTE,
            "max_files": value.get("max_files") or 1,
        }

    def json_schema(self, field):
        opts = field["options"]
        return {
            "type": "array",
            "minItems": 1,
            "maxItems": opts["max_files"],
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,64}$"},
                    "name": {"type": "string", "minLength": 1, "maxLength": 255},
                    "size": {"type": "integer", "minimum": 1, "maximum": opts["max_size"]},
                    "content_type": {"enum": opts["content_types"]},
                },
                "required": ["content_type", "id", "name", "size"],
                "additionalProperties": False,
            },
        }

    def form_field(self, field):
        opts = field["options"]
        return MultipleFileField(
            allowed=opts["content_types"],
            max_size=opts["max_size"],
            max_files=opts["max_files"],
            **self.field_kwargs(field),
        )


for field_type in (
    TextField,
    TextareaField,
    NumberField,
    DateField,
    ChoiceField,
    YesNoField,
    EmailField,
    FileField,
    ConsentField,
    InfoField,
):
    register(field_type())
