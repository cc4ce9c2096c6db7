"""Abstract values: what the checker knows about every value a source can produce.

A ``Shape`` is a set of JSON values described by guarantees: the keywords of the form's
compiled JSON Schema fragment hold for every accepted answer, so they are facts, not hopes.
Transforms (``transforms.py``) map shapes to shapes; ``prove`` shows that every value of a
shape is accepted by a target JSON Schema, keyword by keyword, or says why it cannot.

When a shape's values are few and known (``enum``: choices, yes/no, constants, defaults,
lookup results) the proof is exact: each value is validated with the payload validator.
"""

import functools
import json
import re
from dataclasses import dataclass, field, replace

from jsonschema import Draft202012Validator

from constructor.formbuilder.patterns import StrictPatternValidator

# Keywords that never reject a value.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "$comment",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
        "$defs",
    }
)
# Keywords the prover understands; anything else in a target is ``unsupported_schema``.
SUPPORTED = frozenset(
    {
        "type",
        "enum",
        "const",
        "pattern",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
    }
)
KNOWN = ANNOTATIONS | SUPPORTED

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER

# Strings these patterns accept stay accepted, with the same length, after ``upper``.
NAME_PATTERN = r"^[А-ЯЁа-яё]+(?:[ '’-][А-ЯЁа-яё]+)*$"
CASE_SAFE_PATTERNS = frozenset({NAME_PATTERN})
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

_DIGIT_PART = re.compile(r"\^?\\d(?:\{(\d+)\}|\{(\d+),(\d*)\}|([*+]))?\$?")


@functools.lru_cache(maxsize=1024)
def intersect_intervals(first, second):
    """The counts in both unions of (low, high or None) intervals, as sorted intervals."""
    both = []
    for low_a, high_a in first:
        for low_b, high_b in second:
            low = max(low_a, low_b)
            highs = [h for h in (high_a, high_b) if h is not None]
            high = min(highs) if highs else None
            if high is None or low <= high:
                both.append((low, high))
    return sorted(set(both), key=lambda interval: (interval[0], interval[1] is None, interval[1]))


def digit_lengths(pattern):
    """The digit counts a pure-digit pattern allows, as ``[(low, high or None)]``; else None.

    Understands ``^\\d{n}$``, ``^\\d{m,n}$``, ``^\\d+$``, ``^\\d*$`` and alternatives of them
    (``^\\d{10}$|^\\d{12}$``, ``^(?:\\d{10}|\\d{12})$``). Like every ``$`` under ``re.search``,
    they also let one final newline through; callers allow for it.
    """
    text = pattern
    grouped = re.fullmatch(r"\^\((?:\?:)?(.*)\)\$", text)
    if grouped:
        alternatives = [f"^{part}$" for part in grouped.group(1).split("|")]
    else:
        alternatives = text.split("|")
    intervals = []
    for alternative in alternatives:
        if not (alternative.startswith("^") and alternative.endswith("$")):
            return None
        match = _DIGIT_PART.fullmatch(alternative)
        if not match:
            return None
        exact, low, high, repeat = match.groups()
        if exact is not None:
            intervals.append((int(exact), int(exact)))
        elif low is not None:
            intervals.append((int(low), int(high) if high else None))
        elif repeat == "+":
            intervals.append((1, None))
        elif repeat == "*":
            intervals.append((0, None))
        else:
            intervals.append((1, 1))
    return tuple(intervals)


def digit_pattern_implies(source_pattern, target_pattern):
    """Every string ``source_pattern`` accepts is accepted by ``target_pattern`` (digits only)."""
    source, target = digit_lengths(source_pattern), digit_lengths(target_pattern)
    if source is None or target is None:
        return False

    def inside(low, high, t_low, t_high):
        return low >= t_low and (t_high is None or (high is not None and high <= t_high))

    return all(any(inside(lo, hi, t_lo, t_hi) for t_lo, t_hi in target) for lo, hi in source)


def json_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if value is None:
        return "null"
    return "any"


def value_key(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Shape:
    """Every value a source can produce. Unknown is always the safe default."""

    type: str = "any"  # string integer number boolean object array null any
    enum: tuple | None = None  # all the values, when they are few and known
    labels: dict = field(default_factory=dict, compare=False)  # value_key -> form label
    patterns: frozenset = frozenset()
    formats: frozenset = frozenset()
    min_length: int = 0
    max_length: int | None = None
    newline_free: bool = False  # known not to end with a newline (``$`` lets one through)
    minimum: float | None = None
    maximum: float | None = None
    items: "Shape | None" = None
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    properties: dict = field(default_factory=dict, compare=False)  # name -> Shape, in order
    required: frozenset = frozenset()
    closed: bool = False

    def replace(self, **changes):
        return replace(self, **changes)

    def digit_intervals(self):
        """The digit counts every pure-digit pattern allows (their intersection), or None.

        All the shape's patterns hold at once, so the counts are those each of them allows;
        the result does not depend on the order of a set (it did once: hash seeds changed it).
        """
        result = None
        for pattern in sorted(self.patterns):
            intervals = digit_lengths(pattern)
            if intervals is None:
                continue
            result = intervals if result is None else intersect_intervals(result, intervals)
        return result

    def length_bounds(self):
        """(min, max or None) of a string shape's length, from every guarantee."""
        if self.enum is not None:
            lengths = [len(v) for v in self.enum if isinstance(v, str)]
            return (min(lengths), max(lengths)) if lengths else (0, 0)
        low, high = self.min_length, self.max_length
        for pattern in self.patterns:
            intervals = digit_lengths(pattern)
            if intervals is None:
                continue
            p_low = min(lo for lo, _hi in intervals)
            his = [hi for _lo, hi in intervals]
            low = max(low, p_low)
            if None not in his:
                p_high = max(his) + (0 if self.newline_free else 1)
                high = p_high if high is None else min(high, p_high)
        return low, high

    @classmethod
    def of_values(cls, values, labels=None):
        """The exact shape of a few known values."""
        unique = []
        seen = set()
        for value in values:
            key = value_key(value)
            if key not in seen:
                seen.add(key)
                unique.append(value)
        types = {json_type(v) for v in unique}
        if types == {"integer", "number"}:
            kind = "number"
        elif len(types) == 1:
            kind = types.pop()
        else:
            kind = "any"
        return cls(type=kind, enum=tuple(unique), labels=dict(labels or {}), newline_free=True)


def shape_from_schema(schema, labels=None):
    """The guarantees of a form's JSON Schema fragment (``x-`` keywords only narrow further)."""
    if not isinstance(schema, dict):
        return Shape()
    if "const" in schema:
        return Shape.of_values([schema["const"]], labels)
    if "enum" in schema:
        return Shape.of_values(list(schema["enum"]), labels)
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = kind[0] if len(kind) == 1 else "any"
    if kind == "boolean":
        return Shape.of_values([True, False], labels)
    if kind == "string":
        shape = Shape(
            type="string",
            patterns=frozenset([schema["pattern"]]) if "pattern" in schema else frozenset(),
            formats=frozenset([schema["format"]]) if "format" in schema else frozenset(),
            min_length=schema.get("minLength", 0),
            max_length=schema.get("maxLength"),
        )
        if schema.get("format") == "date":
            # The form's ``date`` format is strict: exactly YYYY-MM-DD, a real day.
            shape = shape.replace(
                patterns=shape.patterns | {ISO_DATE_PATTERN},
                min_length=10,
                max_length=10,
                newline_free=True,
            )
        return shape
    if kind in ("integer", "number"):
        return Shape(type=kind, minimum=schema.get("minimum"), maximum=schema.get("maximum"))
    if kind == "array":
        items = shape_from_schema(schema.get("items"), labels)
        unique = bool(schema.get("uniqueItems"))
        max_items = schema.get("maxItems")
        if unique and items.enum is not None:
            # Distinct items from a few known values: no more items than values.
            max_items = len(items.enum) if max_items is None else min(max_items, len(items.enum))
        return Shape(
            type="array",
            items=items,
            min_items=schema.get("minItems", 0),
            max_items=max_items,
            unique=unique,
        )
    if kind == "object":
        properties = {
            name: shape_from_schema(sub) for name, sub in (schema.get("properties") or {}).items()
        }
        return Shape(
            type="object",
            properties=properties,
            required=frozenset(schema.get("required") or ()),
            closed=schema.get("additionalProperties") is False,
        )
    return Shape(type=kind)


def unsupported_keywords(schema, path=""):
    """[(path, keyword)] of every keyword the prover does not understand, in the whole subtree."""
    found = []
    if not isinstance(schema, dict):
        return found
    for keyword, value in schema.items():
        if keyword not in KNOWN:
            found.append((path, keyword))
        elif keyword == "properties" and isinstance(value, dict):
            for name, sub in value.items():
                found.extend(unsupported_keywords(sub, f"{path}/{name}"))
        elif keyword in ("items", "additionalProperties") and isinstance(value, dict):
            found.extend(unsupported_keywords(value, f"{path}/*" if keyword == "items" else path))
    return found


def schema_types(schema):
    kind = schema.get("type")
    if kind is None:
        return None
    return [kind] if isinstance(kind, str) else list(kind)


def type_allowed(shape_type, types):
    if types is None:
        return True
    if shape_type == "integer":
        return "integer" in types or "number" in types
    return shape_type in types


VALUE_CODES = {
    "type": "type_mismatch",
    "enum": "enum_missing",
    "const": "enum_missing",
    "pattern": "pattern",
    "format": "format",
    "minLength": "max_length",
    "maxLength": "max_length",
    "minimum": "bounds",
    "maximum": "bounds",
    "exclusiveMinimum": "bounds",
    "exclusiveMaximum": "bounds",
    "multipleOf": "bounds",
    "minItems": "bounds",
    "maxItems": "bounds",
    "uniqueItems": "bounds",
    "required": "optional_source",
    "additionalProperties": "unknown_target",
    "false": "type_mismatch",
}


def prove_values(shape, schema, path=""):
    """Exact proof for a shape of known values: validate each one."""
    validator = StrictPatternValidator(schema, format_checker=FORMAT_CHECKER)
    failures = []
    for value in shape.enum:
        for error in validator.iter_errors(value):
            code = VALUE_CODES.get(str(error.validator), "type_mismatch")
            sub_path = path + "".join(f"/{part}" for part in error.absolute_path)
            detail = {
                "value": value,
                "label": shape.labels.get(value_key(value), ""),
                "keyword": str(error.validator),
                "limit": error.validator_value,
            }
            failures.append((code, sub_path, detail))
            break
    return failures


def prove(shape, schema, path=""):
    """[(code, path inside the target, detail)]: every reason ``shape`` may fail ``schema``.

    Empty means proven: every value of ``shape`` is valid against ``schema``. Whatever the
    prover does not understand anywhere in the target's subtree is reported first, once.
    """
    unsupported = unsupported_keywords(schema, path)
    if unsupported:
        return [
            ("unsupported_schema", where, {"keyword": keyword}) for where, keyword in unsupported
        ]
    return _prove(shape, schema, path)


def _prove(shape, schema, path):
    """``prove`` on a subtree whose keywords ``prove`` has already found all supported."""
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [("type_mismatch", path, {"keyword": "false", "expected": [], "got": shape.type})]
    if shape.enum is not None:
        return prove_values(shape, schema, path)

    types = schema_types(schema)
    if not type_allowed(shape.type, types):
        return [("type_mismatch", path, {"keyword": "type", "expected": types, "got": shape.type})]
    failures = []
    if shape.type == "any" and any(keyword in SUPPORTED for keyword in schema):
        # Nothing is known about the value: no assertion can be proven.
        return [("type_mismatch", path, {"keyword": "type", "expected": types, "got": "any"})]
    if "enum" in schema or "const" in schema:
        failures.append(("enum_missing", path, {"keyword": "enum", "value": None, "label": ""}))
    kind = shape.type
    if kind == "string":
        failures.extend(_prove_string(shape, schema, path))
    elif kind in ("integer", "number"):
        failures.extend(_prove_number(shape, schema, path))
    elif kind == "array":
        failures.extend(_prove_array(shape, schema, path))
    elif kind == "object":
        failures.extend(_prove_object(shape, schema, path))
    if "multipleOf" in schema and not (kind == "integer" and schema["multipleOf"] == 1):
        failures.append(("unsupported_schema", path, {"keyword": "multipleOf"}))
    return failures


def _prove_string(shape, schema, path):
    failures = []
    low, high = shape.length_bounds()
    if "maxLength" in schema and (high is None or high > schema["maxLength"]):
        failures.append(
            (
                "max_length",
                path,
                {"keyword": "maxLength", "limit": schema["maxLength"], "got": high},
            )
        )
    if "minLength" in schema and low < schema["minLength"]:
        failures.append(
            ("max_length", path, {"keyword": "minLength", "limit": schema["minLength"], "got": low})
        )
    if "pattern" in schema:
        target = schema["pattern"]
        if target not in shape.patterns and not any(
            digit_pattern_implies(p, target) for p in shape.patterns
        ):
            failures.append(("pattern", path, {"keyword": "pattern", "limit": target}))
    if "format" in schema and schema["format"] not in shape.formats:
        failures.append(("format", path, {"keyword": "format", "limit": schema["format"]}))
    return failures


def _prove_number(shape, schema, path):
    failures = []
    low, high = shape.minimum, shape.maximum
    checks = [
        ("minimum", lambda limit: low is not None and low >= limit),
        ("exclusiveMinimum", lambda limit: low is not None and low > limit),
        ("maximum", lambda limit: high is not None and high <= limit),
        ("exclusiveMaximum", lambda limit: high is not None and high < limit),
    ]
    for keyword, holds in checks:
        if keyword in schema and not holds(schema[keyword]):
            got = low if "inimum" in keyword else high
            failures.append(
                ("bounds", path, {"keyword": keyword, "limit": schema[keyword], "got": got})
            )
    return failures


def _prove_array(shape, schema, path):
    failures = []
    if "items" in schema:
        failures.extend(_prove(shape.items or Shape(), schema["items"], f"{path}/*"))
    if "minItems" in schema and shape.min_items < schema["minItems"]:
        failures.append(
            (
                "bounds",
                path,
                {"keyword": "minItems", "limit": schema["minItems"], "got": shape.min_items},
            )
        )
    if "maxItems" in schema and (shape.max_items is None or shape.max_items > schema["maxItems"]):
        failures.append(
            (
                "bounds",
                path,
                {"keyword": "maxItems", "limit": schema["maxItems"], "got": shape.max_items},
            )
        )
    if schema.get("uniqueItems") and not shape.unique:
        failures.append(("bounds", path, {"keyword": "uniqueItems", "limit": True}))
    return failures


def _prove_object(shape, schema, path):
    failures = []
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties", True)
    for name, part in shape.properties.items():
        if name in properties:
            failures.extend(_prove(part, properties[name], f"{path}/{name}"))
        elif extra is False:
            failures.append(
                ("unknown_target", f"{path}/{name}", {"keyword": "additionalProperties"})
            )
        elif isinstance(extra, dict):
            failures.extend(_prove(part, extra, f"{path}/{name}"))
    if not shape.closed and extra is not True and extra != {}:
        failures.append(("unknown_target", path, {"keyword": "additionalProperties"}))
    for name in schema.get("required") or ():
        if name not in shape.properties:
            failures.append(("required_unmapped", f"{path}/{name}", {"keyword": "required"}))
        elif name not in shape.required:
            failures.append(("optional_source", f"{path}/{name}", {"keyword": "required"}))
    return failures
