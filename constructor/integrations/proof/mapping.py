"""Mapping rules -> the agency's payload, and the payload's validation.

``rules_from_stream`` turns the ``payload_mapping`` stream into plain rule dicts;
``build_payload`` runs them over one application's answers; ``payload_validator`` is the
format-asserting draft 2020-12 validator of an agency schema, compiled once per schema.
Shapes and names follow docs/INTEGRATION.md.
"""

import copy
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from jsonschema import Draft202012Validator

from constructor.formbuilder.compiler import canonical_json
from constructor.formbuilder.patterns import StrictPatternValidator
from constructor.formbuilder.registry import list_items
from constructor.integrations.proof import transforms as transform_functions
from constructor.integrations.proof.transforms import TransformError

SYSTEM_VALUES = (
    "number",
    "submitted_at",
    "submitted_on",
    "region_code",
    "form_version",
    "service_code",
)
SOURCES = ("field", "constant", "system")


class MappingError(ValueError):
    """A mapping that cannot run on these answers (never raised for a checked mapping)."""

    def __init__(self, message, rule=None):
        super().__init__(message if rule is None else f"rule {rule}: {message}")
        self.rule = rule


@dataclass(frozen=True)
class SystemContext:
    number: str
    submitted_at: datetime  # aware
    region_code: str
    form_version: int
    service_code: str


# --- rules ---------------------------------------------------------------------------------


def _text(value):
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _transform(raw):
    if not isinstance(raw, dict):
        return None
    kind = raw.get("type")
    options = raw.get("value") if "value" in raw else {k: v for k, v in raw.items() if k != "type"}
    options = dict(options) if isinstance(options, dict) else {}
    options.pop("type", None)
    if kind == "lookup":
        options["table"] = [
            {"from": _text(row.get("from")).strip(), "to": _text(row.get("to")).strip()}
            for row in list_items(options.get("table"))
            if isinstance(row, dict)
        ]
        options["fallback"] = _text(options.get("fallback")).strip()
    return {"type": _text(kind), **options}


def rules_from_stream(raw):
    """Plain rule dicts, in editor order, from a StreamField's raw data (or a StreamValue)."""
    if hasattr(raw, "raw_data"):
        raw = raw.raw_data
    rules = []
    for item in list(raw or []):
        if not isinstance(item, dict):
            continue
        if "type" in item and item.get("type") != "rule":
            continue
        value = item.get("value") if isinstance(item.get("value"), dict) else item
        default = _text(value.get("default"))
        transforms = value.get("transforms") or []
        if hasattr(transforms, "raw_data"):
            transforms = transforms.raw_data
        rules.append(
            {
                "index": len(rules),
                "target": _text(value.get("target")).strip(),
                "source": _text(value.get("source")).strip() or "field",
                "field": _text(value.get("field")).strip(),
                "constant": _text(value.get("constant")),
                "system": _text(value.get("system")).strip(),
                "transforms": [t for t in (_transform(raw) for raw in transforms) if t],
                "default": default if default != "" else None,
            }
        )
    return rules


# --- pointers and sources ------------------------------------------------------------------


def parse_pointer(pointer):
    """``/a/b~1c`` -> ``["a", "b/c"]``; None when it is not a usable pointer."""
    if not isinstance(pointer, str) or not pointer.startswith("/") or pointer == "/":
        return None
    segments = [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]
    if any(segment == "" for segment in segments):
        return None
    return segments


def escape_segment(segment):
    return segment.replace("~", "~0").replace("/", "~1")


def make_pointer(segments):
    return "".join(f"/{escape_segment(segment)}" for segment in segments)


@dataclass(frozen=True)
class SourcePath:
    """A dotted field path resolved against the form's JSON Schema."""

    key: str  # the top-level field
    group: bool  # True: one value per item of the array ``key``
    parts: tuple  # inside the answer (or inside each item)
    fragment: dict  # the JSON Schema of the value (of one item's value for a group)


def resolve_source(json_schema, path):
    """The SourcePath of ``path`` in the form's compiled JSON Schema; None if there is none."""
    if not path:
        return None
    key, *rest = path.split(".")
    fragment = (json_schema.get("properties") or {}).get(key)
    if not isinstance(fragment, dict):
        return None
    group = False
    for index, part in enumerate(rest):
        if fragment.get("type") == "array" and isinstance(fragment.get("items"), dict):
            if group or index != 0:
                return None
            group = True
            fragment = fragment["items"]
        properties = fragment.get("properties") if fragment.get("type") == "object" else None
        if not isinstance(properties, dict) or part not in properties:
            return None
        fragment = properties[part]
    return SourcePath(key, group, tuple(rest), fragment)


def _dig(value, parts):
    for part in parts:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def local_time(moment):
    """An aware time in the portal's zone (settings.TIME_ZONE); a naive one as it is."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def system_value(name, context):
    if name == "number":
        return context.number
    if name == "submitted_at":
        return local_time(context.submitted_at).isoformat(timespec="seconds")
    if name == "submitted_on":
        # The date the citizen saw on the receipt: the portal's time zone, not UTC.
        return local_time(context.submitted_at).date().isoformat()
    if name == "region_code":
        return context.region_code
    if name == "form_version":
        return context.form_version
    if name == "service_code":
        return context.service_code
    raise MappingError(f"unknown system value {name!r}")


# --- building ------------------------------------------------------------------------------


def _run(rule, value, fragment):
    try:
        return transform_functions.apply(rule["transforms"], value, fragment)
    except TransformError as error:
        raise MappingError(f"transform failed: {error}", rule["index"]) from error


def _default(rule):
    if rule.get("default") is None:
        return None
    return _run(rule, rule["default"], None)


def _container(payload, segments, rule, make):
    """The object or list at ``segments`` (created by ``make()`` when missing)."""
    node = payload
    for depth, segment in enumerate(segments):
        last = depth == len(segments) - 1
        if not isinstance(node, dict):
            raise MappingError(f"{make_pointer(segments[:depth])} is not an object", rule)
        if segment not in node:
            node[segment] = make() if last else {}
        node = node[segment]
    return node


def _set(payload, segments, value, rule):
    parent = _container(payload, segments[:-1], rule, dict) if len(segments) > 1 else payload
    if not isinstance(parent, dict):
        raise MappingError(f"{make_pointer(segments[:-1])} is not an object", rule)
    if segments[-1] in parent:
        raise MappingError(f"{make_pointer(segments)} is filled twice", rule)
    parent[segments[-1]] = value


def _plain_value(rule, json_schema, answers, context):
    """The rule's value for a target without ``*``; None when there is none."""
    source = rule["source"]
    if source == "constant":
        return _run(rule, rule["constant"], None)
    if source == "system":
        return _run(rule, system_value(rule["system"], context), None)
    path = resolve_source(json_schema, rule["field"])
    if path is None:
        raise MappingError(f"unknown source {rule['field']!r}", rule["index"])
    answer = answers.get(path.key)
    if answer is None:
        return _default(rule)
    if path.group:
        if not isinstance(answer, list):
            raise MappingError(f"{path.key} is not a list", rule["index"])
        values = [_dig(item, path.parts) for item in answer]
        values = [copy.deepcopy(v) for v in values if v is not None]
        if not values:
            return _default(rule)
        return _run(rule, values, {"type": "array", "items": path.fragment})
    value = _dig(answer, path.parts)
    if value is None:
        return _default(rule)
    return _run(rule, copy.deepcopy(value), path.fragment)


def _star_rule(rule, segments, json_schema, answers, payload, context, spread):
    star = segments.index("*")
    prefix, rest = segments[:star], segments[star + 1 :]
    index = rule["index"]
    if not prefix or "*" in rest:
        raise MappingError("only one * is supported, not at the start", index)
    if not spread:
        # A constant or system value under *: the same in every item the groups made.
        array = _dig(payload, prefix)
        if not isinstance(array, list):
            return
        value = _plain_value(rule, json_schema, answers, context)
        if value is None:
            return
        for position, item in enumerate(array):
            if rest:
                _set(item, rest, copy.deepcopy(value), index)
            elif item is not None:
                raise MappingError(f"{make_pointer(prefix)}/{position} is filled twice", index)
            else:
                array[position] = copy.deepcopy(value)
        return
    path = resolve_source(json_schema, rule["field"])
    if path is None or not path.group:
        raise MappingError(f"{rule['field']!r} is not a field of a repeatable group", index)
    items = answers.get(path.key)
    if items is None:
        return
    if not isinstance(items, list):
        raise MappingError(f"{path.key} is not a list", index)
    array = _container(payload, prefix, index, lambda: [{} if rest else None for _ in items])
    if not isinstance(array, list) or len(array) != len(items):
        raise MappingError(f"{make_pointer(prefix)} holds another list", index)
    for position, item in enumerate(items):
        value = _dig(item, path.parts)
        if value is None:
            value = _default(rule)
            if value is None:
                if not rest:
                    raise MappingError(f"item {position + 1} has no value", index)
                continue
        else:
            value = _run(rule, copy.deepcopy(value), path.fragment)
        if rest:
            _set(array[position], rest, value, index)
        elif array[position] is not None:
            raise MappingError(f"{make_pointer(prefix)}/{position} is filled twice", index)
        else:
            array[position] = value


def build_payload(form_schema, rules, answers, context):
    """The agency's payload for one application's answers.

    A source that is absent gives the rule's default (through the same transforms) or
    nothing: the target is left out. A ``*`` in the target spreads a repeatable group: item i
    of the group fills item i of the target array. Rules whose source is a constant or a
    system value under ``*`` run last and fill every item the groups made.
    """
    json_schema = form_schema.get("json_schema") or {}
    answers = answers or {}
    payload = {}
    later = []
    for rule in rules:
        segments = parse_pointer(rule["target"])
        if segments is None:
            raise MappingError(f"bad target {rule['target']!r}", rule["index"])
        if rule["source"] not in SOURCES:
            raise MappingError(f"unknown source kind {rule['source']!r}", rule["index"])
        if "*" in segments:
            if rule["source"] == "field":
                _star_rule(rule, segments, json_schema, answers, payload, context, True)
            else:
                later.append((rule, segments))
            continue
        value = _plain_value(rule, json_schema, answers, context)
        if value is not None:
            _set(payload, segments, value, rule["index"])
    for rule, segments in later:
        _star_rule(rule, segments, json_schema, answers, payload, context, False)
    return payload


# --- validation ----------------------------------------------------------------------------

_VALIDATORS = {}
_CACHE_SIZE = 128


def payload_validator(payload_schema):
    """A format-asserting draft 2020-12 validator, one per distinct schema (by canonical JSON)."""
    key = canonical_json(payload_schema)
    validator = _VALIDATORS.get(key)
    if validator is None:
        if len(_VALIDATORS) >= _CACHE_SIZE:
            _VALIDATORS.pop(next(iter(_VALIDATORS)))
        validator = StrictPatternValidator(
            json.loads(key), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        _VALIDATORS[key] = validator
    return validator


def error_pointer(error):
    """The JSON pointer of a jsonschema error; for a missing required field, that field's."""
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [key for key in error.validator_value if key not in error.instance]
        path += missing[:1]
    return make_pointer(path) or "/"


def payload_errors(payload_schema, payload):
    """[(JSON pointer, message)] of everything the agency schema rejects; [] when valid."""
    validator = payload_validator(payload_schema)
    return sorted(
        {(error_pointer(error), error.message) for error in validator.iter_errors(payload)}
    )
