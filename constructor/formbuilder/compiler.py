"""Form blocks (raw StreamField data, as stored) -> FormSchema: JSON Schema + layout.

The output is deterministic: same blocks, same JSON, same content hash. Block ids are left
out, ``required`` lists are sorted, and everything else follows the editor's order.
A block stored without a key (made in code rather than saved in the editor) gets the key the
editor would have given it (``keys.fill_keys``), so it is compiled rather than dropped.
"""

import copy
import hashlib
import json

from constructor.formbuilder.keys import fill_keys
from constructor.formbuilder.registry import compile_condition_raw, compile_field
from constructor.formbuilder.types import field_type, field_types

SCHEMA_VERSION = 1
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def typed_condition(condition, fields_by_key):
    """Give the condition's value the type of the answer it is compared with."""
    if condition is None:
        return None
    operator, text = condition["operator"], condition["value"]
    target = fields_by_key.get(condition["field"])
    if operator in ("is_true", "is_false", "filled"):
        value = None
    elif operator == "one_of":
        value = sorted({code.strip() for code in text.split(",") if code.strip()})
    elif target is None:
        value = text
    else:
        try:
            value = field_type(target["type"]).condition_value(target, text)
        except (TypeError, ValueError):
            value = text
    return {"field": condition["field"], "operator": operator, "value": value}


def answer_is_list(field):
    return (
        field["type"] == "group"
        or field["type"] == "file"
        or (field["type"] == "choice" and field["options"].get("widget") == "checkboxes")
    )


def condition_schema(condition, fields_by_key):
    """The JSON Schema that holds exactly when ``conditions.is_visible`` is true."""
    key, operator, value = condition["field"], condition["operator"], condition["value"]
    target = fields_by_key.get(key)
    is_list = target is not None and answer_is_list(target)

    def about(subschema):
        return {"properties": {key: subschema}, "required": [key]}

    if operator == "filled":
        return {"required": [key]}
    if operator == "is_true":
        return about({"const": True})
    if operator == "is_false":
        return about({"const": False})
    if operator == "one_of":
        match = {"enum": value}
        return about({"contains": match} if is_list else match)
    match = {"const": value}
    equals = about({"contains": match} if is_list else match)
    return {"not": equals} if operator == "not_equals" else equals


def compile_form(raw_stream_data):
    """Compile the ``application_form`` stream (a list of step dicts) to a FormSchema dict."""
    field_types()
    steps = []
    for raw_step in fill_keys(copy.deepcopy(list(raw_stream_data or []))):
        if raw_step.get("type") != "step":
            continue
        value = raw_step.get("value") or {}
        fields = [
            compile_field(child)
            for child in value.get("fields") or []
            if child.get("type") in field_types()
        ]
        steps.append(
            {
                "key": value.get("key") or "",
                "title": value.get("title") or "",
                "intro": value.get("intro") or "",
                "condition": compile_condition_raw(value.get("condition")),
                "fields": [f for f in fields if f["key"] is None or f["key"]],
            }
        )

    fields_by_key = {
        field["key"]: field for step in steps for field in step["fields"] if field["key"]
    }
    for step in steps:
        step["condition"] = typed_condition(step["condition"], fields_by_key)
        for field in step["fields"]:
            field["condition"] = typed_condition(field["condition"], fields_by_key)

    properties, required, conditional, passport_checks = {}, [], [], []
    for step in steps:
        for field in step["fields"]:
            if field["key"] is None:
                continue
            key = field["key"]
            properties[key] = field_type(field["type"]).json_schema(field)
            conditions = [c for c in (step["condition"], field["condition"]) if c]
            if field["type"] == "passport" and field["options"].get("birth_date_field"):
                passport_checks.append(
                    {"passport": key, "birth_date": field["options"]["birth_date_field"]}
                )
            if not conditions:
                if field["required"]:
                    required.append(key)
                continue
            schemas = [condition_schema(c, fields_by_key) for c in conditions]
            rule = {
                "if": schemas[0] if len(schemas) == 1 else {"allOf": schemas},
                "else": {"not": {"required": [key]}},
            }
            if field["required"]:
                rule["then"] = {"required": [key]}
            conditional.append(rule)

    json_schema = {
        "$schema": JSON_SCHEMA_DIALECT,
        "type": "object",
        "properties": properties,
        "required": sorted(required),
        "additionalProperties": False,
    }
    if conditional:
        json_schema["allOf"] = conditional
    if passport_checks:
        json_schema["x-passport-birth-date"] = sorted(
            passport_checks, key=lambda check: check["passport"]
        )
    return {
        "version": SCHEMA_VERSION,
        "json_schema": json_schema,
        "layout": {"steps": steps},
    }


def canonical_json(schema):
    return json.dumps(schema, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(schema):
    return hashlib.sha256(canonical_json(schema).encode()).hexdigest()
