"""What an editor may pick: the agency's targets and the form's sources, with titles in words."""

from constructor.formbuilder.types import field_types
from constructor.integrations.proof.mapping import make_pointer

TITLE_SEPARATOR = " — "


def schema_type(schema):
    """One JSON type name for a chooser: ``string``, ``integer``, ..., or ``""`` if unknown."""
    if not isinstance(schema, dict):
        return ""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else ""
    if kind:
        return kind
    values = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
    if values and all(isinstance(v, str) for v in values):
        return "string"
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return ""


def _object_items(schema):
    items = schema.get("items") if isinstance(schema, dict) else None
    if isinstance(items, dict) and schema_type(items) == "object":
        return items
    return None


def target_choices(payload_schema):
    """Every pointer an editor may map: ``[{"pointer", "title", "type", "required"}]``.

    Walks ``properties`` depth first in the schema's order; an array of objects gives
    ``/x/*/...`` for its items' properties. ``title`` is the chain of titles from the root;
    ``required`` holds when every step from the root is required.
    """
    choices = []

    def walk(schema, segments, titles, required):
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(properties, dict):
            return
        required_names = set(schema.get("required") or ())
        for name, sub in properties.items():
            if not isinstance(sub, dict):
                sub = {}
            title = sub.get("title") or name
            here = [*segments, name]
            is_required = required and name in required_names
            choices.append(
                {
                    "pointer": make_pointer(here),
                    "title": TITLE_SEPARATOR.join([*titles, title]),
                    "type": schema_type(sub),
                    "required": is_required,
                }
            )
            items = _object_items(sub)
            if items is not None:
                walk(items, [*here, "*"], [*titles, title], is_required)
            else:
                walk(sub, here, [*titles, title], is_required)

    walk(payload_schema, [], [], True)
    return choices


def lower_first(text):
    """«Серия» -> «серия», but «СНИЛС» stays (an abbreviation)."""
    text = str(text)
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _part_labels(field_type_name):
    kind = field_types().get(field_type_name)
    return {name: str(label) for name, label, *_rest in getattr(kind, "parts", [])}


def _field_sources(layout_field, fragment, path, label, repeated):
    entries = [{"path": path, "label": label, "type": schema_type(fragment), "repeated": repeated}]
    if schema_type(fragment) == "object":
        labels = _part_labels(layout_field["type"])
        for part, sub in (fragment.get("properties") or {}).items():
            entries.append(
                {
                    "path": f"{path}.{part}",
                    "label": label + TITLE_SEPARATOR + lower_first(labels.get(part, part)),
                    "type": schema_type(sub),
                    "repeated": repeated,
                }
            )
    return entries


def source_choices(form_schema):
    """Every source path: ``[{"path", "label", "type", "repeated"}]`` in the form's order.

    Fields (``snils``), parts of object answers (``passport.series``) and nested fields of
    repeatable groups (``children.birth_date``, one value per item: ``repeated``).
    """
    properties = (form_schema.get("json_schema") or {}).get("properties") or {}
    entries = []
    for step in (form_schema.get("layout") or {}).get("steps") or []:
        for layout_field in step.get("fields") or []:
            key = layout_field.get("key")
            if not key or key not in properties:
                continue
            fragment = properties[key]
            label = layout_field.get("label") or key
            entries.extend(_field_sources(layout_field, fragment, key, label, False))
            if layout_field["type"] == "group":
                nested = (fragment.get("items") or {}).get("properties") or {}
                for child in (layout_field.get("options") or {}).get("fields") or []:
                    child_key = child.get("key")
                    if child_key not in nested:
                        continue
                    entries.extend(
                        _field_sources(
                            child,
                            nested[child_key],
                            f"{key}.{child_key}",
                            label + TITLE_SEPARATOR + lower_first(child.get("label") or child_key),
                            True,
                        )
                    )
    return entries
