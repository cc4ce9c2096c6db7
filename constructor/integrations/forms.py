"""The integration form: the payload schema is pasted into a textarea or uploaded as a file."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from constructor.integrations.schemas import check_payload_schema, parse_schema_text

MAX_SCHEMA_BYTES = 1024 * 1024


class IntegrationForm(WagtailAdminModelForm):
    payload_schema_text = forms.CharField(
        label=_("Payload schema (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        help_text=_("A JSON Schema, draft 2020-12, of the object the agency accepts."),
    )
    payload_schema_file = forms.FileField(
        label=_("Or upload the schema file"),
        required=False,
        help_text=_("A .json file; it replaces whatever is in the text box."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk and self.instance.payload_schema:
            self.initial["payload_schema_text"] = json.dumps(
                self.instance.payload_schema, ensure_ascii=False, indent=2
            )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("payload_schema_file")
        field = "payload_schema_file" if upload else "payload_schema_text"
        if upload:
            if upload.size > MAX_SCHEMA_BYTES:
                self.add_error(field, _("The file is larger than 1 MB."))
                return cleaned
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error(field, _("The file is not UTF-8 text."))
                return cleaned
        else:
            text = cleaned.get("payload_schema_text") or ""
        if not text.strip():
            self.add_error(field, _("Paste the payload schema or upload it."))
            return cleaned
        try:
            schema = parse_schema_text(text)
            check_payload_schema(schema)
        except ValidationError as error:
            self.add_error(field, error)
            return cleaned
        cleaned["payload_schema"] = schema
        self.instance.payload_schema = schema
        return cleaned
