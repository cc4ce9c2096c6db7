"""Checks on an agency's payload schema: valid JSON, a valid draft 2020-12 schema, an object."""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError


def parse_schema_text(text):
    """The JSON value in ``text``; a ValidationError naming the line and column otherwise."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("Not valid JSON: %(problem)s at line %(line)s, column %(column)s.")
            % {"problem": error.msg, "line": error.lineno, "column": error.colno},
            code="invalid_json",
        ) from error


def _pointer(path):
    return "/" + "/".join(str(part) for part in path) if path else "/"


def check_payload_schema(schema):
    """Raise a ValidationError unless ``schema`` is a draft 2020-12 JSON Schema of an object."""
    if not isinstance(schema, dict):
        raise ValidationError(_("The schema must be a JSON object."), code="not_object")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        raise ValidationError(
            _("Not a valid JSON Schema (draft 2020-12) at %(path)s: %(problem)s")
            % {"path": _pointer(error.path), "problem": error.message},
            code="invalid_schema",
        ) from error
    if schema.get("type") != "object":
        raise ValidationError(
            _('The payload schema must describe an object ("type": "object").'),
            code="not_object_schema",
        )
