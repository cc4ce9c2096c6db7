"""The integration form: the payload schema pasted or uploaded; secrets written, never shown.

The signing secret is a password-style field: the edit form never sends it back to the
browser, and leaving it empty keeps the stored one. A new secret can keep the old one valid
while the agency switches over (rotation), until someone drops it.
"""

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

    keep_previous_secret = forms.BooleanField(
        label=_("Keep accepting the old secret"),
        required=False,
        initial=True,
        help_text=_(
            "When you enter a new secret, callbacks signed with the old one are still accepted "
            "until the agency has switched over."
        ),
    )
    drop_previous_secret = forms.BooleanField(
        label=_("Stop accepting the old secret"),
        required=False,
        help_text=_("Tick once the agency signs with the new secret only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secret = self.fields.get("hmac_secret")
        if secret is not None:
            secret.widget = forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "new-password"}
            )
            if self.instance.pk:
                secret.required = False
                secret.help_text = _(
                    "Stored and never shown. Leave empty to keep it; enter a new one to change it."
                )
        if "drop_previous_secret" in self.fields and not self.instance.previous_hmac_secret:
            self.fields["drop_previous_secret"].help_text = _(
                "No old secret is accepted now: there is nothing to stop."
            )
        if not self.is_bound and self.instance.pk and self.instance.payload_schema:
            self.initial["payload_schema_text"] = json.dumps(
                self.instance.payload_schema, ensure_ascii=False, indent=2
            )

    def clean_secrets(self, cleaned):
        """Keep, replace or rotate the signing secret; the stored one never reaches the page."""
        stored = (
            type(self.instance)
            .objects.filter(pk=self.instance.pk)
            .values_list("hmac_secret", "previous_hmac_secret")
            .first()
        )
        new = (cleaned.get("hmac_secret") or "").strip()
        if stored is None:
            return  # a new integration: the required field has said what is missing
        current, previous = stored
        if not new or new == current:
            self.instance.hmac_secret = current
        else:
            self.instance.hmac_secret = new
            if cleaned.get("keep_previous_secret"):
                previous = current
        if cleaned.get("drop_previous_secret"):
            previous = ""
        self.instance.previous_hmac_secret = previous
        cleaned["hmac_secret"] = self.instance.hmac_secret

    def clean(self):
        cleaned = super().clean()
        if "hmac_secret" in self.fields:
            self.clean_secrets(cleaned)
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
