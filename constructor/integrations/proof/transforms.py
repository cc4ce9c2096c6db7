"""Transforms of mapping rules, twice: on values (``apply``) and on shapes (``push``).

Each transform has a runtime function (a JSON value in, a JSON value out, ``TransformError``
when it cannot apply) and a shape function (what the checker knows about the output, given
what it knows about the input). The shape function must be sound: every value the runtime
function returns for an input of the input shape belongs to the output shape.

On an array, the scalar transforms apply to each item; ``join`` and ``split`` take the whole
value. A shape of a few known values is pushed exactly, by running the runtime function on
each of them.
"""

import math
import re

from constructor.formbuilder.identifiers import parse_iso_date
from constructor.integrations.proof.shapes import (
    CASE_SAFE_PATTERNS,
    Shape,
    digit_lengths,
    value_key,
)

DATE_FORMATS = {
    "%d.%m.%Y": (
        lambda d: f"{d.day:02d}.{d.month:02d}.{d.year:04d}",
        r"^\d{2}\.\d{2}\.\d{4}$",
        None,
        10,
    ),
    "%Y-%m-%d": (
        lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}",
        r"^\d{4}-\d{2}-\d{2}$",
        "date",
        10,
    ),
    "%Y%m%d": (lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}", r"^\d{8}$", None, 8),
}
DIGITS = re.compile(r"\d+")
WHOLE_VALUE = {"join", "split"}


class TransformError(ValueError):
    """A transform that cannot apply to its input. ``reason`` is a short English key."""

    def __init__(self, transform, reason, **params):
        super().__init__(f"{transform}: {reason}")
        self.transform, self.reason, self.params = transform, reason, params


# --- runtime -------------------------------------------------------------------------------


def _date_format(value, options, fragment):
    fmt = options.get("format") or "%d.%m.%Y"
    if fmt not in DATE_FORMATS:
        raise TransformError("date_format", "unknown_format", format=fmt)
    try:
        day = parse_iso_date(value)
    except ValueError as error:
        raise TransformError("date_format", "not_a_date") from error
    return DATE_FORMATS[fmt][0](day)


def _ordered_parts(value, fragment):
    order = list((fragment or {}).get("properties") or {})
    keys = [key for key in order if key in value] + [key for key in value if key not in order]
    return [value[key] for key in keys]


def _join(value, options, fragment):
    separator = options.get("separator")
    separator = " " if separator is None else separator
    if isinstance(value, dict):
        parts = _ordered_parts(value, fragment)
    elif isinstance(value, list):
        parts = value
    elif isinstance(value, str):
        return value
    else:
        raise TransformError("join", "not_joinable")
    if any(not isinstance(part, str) for part in parts):
        raise TransformError("join", "not_text_parts")
    return separator.join(part for part in parts if part != "")


def _split(value, options, fragment):
    separator = options.get("separator") or ","
    if not isinstance(value, str):
        raise TransformError("split", "not_text")
    return [part.strip() for part in value.split(separator) if part.strip()]


def _digits_only(value, options, fragment):
    if not isinstance(value, str):
        raise TransformError("digits_only", "not_text")
    return "".join(re.findall(r"\d", value))


def _upper(value, options, fragment):
    if not isinstance(value, str):
        raise TransformError("upper", "not_text")
    return value.upper()


def _to_integer(value, options, fragment):
    if isinstance(value, bool):
        raise TransformError("to_integer", "not_a_number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    raise TransformError("to_integer", "not_an_integer")


def _to_number(value, options, fragment):
    if isinstance(value, bool):
        raise TransformError("to_number", "not_a_number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        text = value.strip()
        if DIGITS.fullmatch(text):
            return int(text)
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            number = math.nan
        if math.isfinite(number) and re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", text):
            return number
    raise TransformError("to_number", "not_a_number")


def lookup_key(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


def _lookup(value, options, fragment):
    key = lookup_key(value)
    for row in options.get("table") or []:
        if key is not None and row.get("from") == key:
            return row.get("to", "")
    fallback = options.get("fallback") or ""
    if fallback:
        return fallback
    raise TransformError("lookup", "no_entry", value=value)


RUNTIME = {
    "date_format": _date_format,
    "join": _join,
    "split": _split,
    "digits_only": _digits_only,
    "upper": _upper,
    "to_integer": _to_integer,
    "to_number": _to_number,
    "lookup": _lookup,
}


def _item_fragment(fragment):
    return (fragment or {}).get("items") if isinstance(fragment, dict) else None


def apply_one(transform, value, fragment=None):
    """Apply one transform ``{"type", **options}``; scalar ones go into each item of a list."""
    kind = transform.get("type")
    function = RUNTIME.get(kind)
    if function is None:
        raise TransformError(str(kind), "unknown_transform")
    if isinstance(value, list) and kind not in WHOLE_VALUE:
        item_fragment = _item_fragment(fragment)
        return [function(item, transform, item_fragment) for item in value]
    return function(value, transform, fragment)


def apply(transforms, value, fragment=None):
    """Run the transforms in order. Only the first one sees the form's fragment."""
    for index, transform in enumerate(transforms):
        value = apply_one(transform, value, fragment if index == 0 else None)
    return value


# --- shapes --------------------------------------------------------------------------------


def _exact(kind, shape, options):
    """Push a shape of known values by running the transform on each of them."""
    outputs, labels = [], {}
    for value in shape.enum:
        try:
            output = apply_one({"type": kind, **options}, value)
        except TransformError as error:
            error.params.setdefault("value", value)
            error.params.setdefault("label", shape.labels.get(value_key(value), ""))
            raise
        outputs.append(output)
        label = shape.labels.get(value_key(value))
        if label:
            labels.setdefault(value_key(output), label)
    return Shape.of_values(outputs, labels)


def _need_string(kind, shape):
    if shape.type != "string":
        raise TransformError(kind, "not_text", got=shape.type)


def _shape_date_format(shape, options):
    fmt = options.get("format") or "%d.%m.%Y"
    if fmt not in DATE_FORMATS:
        raise TransformError("date_format", "unknown_format", format=fmt)
    if shape.type != "string" or "date" not in shape.formats:
        raise TransformError("date_format", "not_a_date", got=shape.type)
    _function, pattern, date_format, length = DATE_FORMATS[fmt]
    return Shape(
        type="string",
        patterns=frozenset([pattern]),
        formats=frozenset([date_format]) if date_format else frozenset(),
        min_length=length,
        max_length=length,
        newline_free=True,
    )


def _shape_join(shape, options):
    separator = options.get("separator")
    separator = " " if separator is None else separator
    if shape.type == "string":
        return shape
    if shape.type == "object":
        parts = list(shape.properties.items())
        if not parts or any(part.type != "string" for _name, part in parts):
            raise TransformError("join", "not_text_parts")
        highs = [part.length_bounds()[1] for _name, part in parts]
        high = None
        if None not in highs:
            high = sum(highs) + len(separator) * (len(parts) - 1)
        # Only parts that are always there and never empty are sure to be joined.
        sure = [
            low
            for name, part in parts
            if name in shape.required and (low := part.length_bounds()[0]) >= 1
        ]
        low = sum(sure) + len(separator) * (len(sure) - 1) if sure else 0
        return Shape(
            type="string",
            min_length=low,
            max_length=high,
            newline_free=all(part.newline_free for _name, part in parts),
        )
    if shape.type == "array":
        items = shape.items or Shape()
        if items.type != "string":
            raise TransformError("join", "not_text_parts")
        item_high = items.length_bounds()[1]
        high = None
        if item_high is not None and shape.max_items is not None:
            count = shape.max_items
            high = count * item_high + len(separator) * max(count - 1, 0)
        low = items.length_bounds()[0] if shape.min_items >= 1 else 0
        return Shape(type="string", min_length=low, max_length=high)
    raise TransformError("join", "not_joinable", got=shape.type)


def _shape_split(shape, options):
    separator = options.get("separator") or ","
    _need_string("split", shape)
    low, high = shape.length_bounds()
    max_items = None
    if high is not None:
        max_items = (high + len(separator)) // (1 + len(separator))
    return Shape(
        type="array",
        items=Shape(type="string", min_length=1, max_length=high),
        min_items=0,
        max_items=max_items,
    )


def _shape_digits_only(shape, options):
    _need_string("digits_only", shape)
    if "date" in shape.formats:
        # Every ``date`` shape is a strict YYYY-MM-DD (form, system or date_format output).
        return Shape(
            type="string",
            patterns=frozenset([r"^\d{8}$"]),
            min_length=8,
            max_length=8,
            newline_free=True,
        )
    intervals = shape.digit_intervals()
    if intervals is not None:
        digit_patterns = {p for p in shape.patterns if digit_lengths(p) is not None}
        low = min(lo for lo, _hi in intervals)
        highs = [hi for _lo, hi in intervals]
        return Shape(
            type="string",
            patterns=frozenset(digit_patterns | {r"^\d*$"}),
            formats=shape.formats,
            min_length=low,
            max_length=None if None in highs else max(highs),
            newline_free=True,
        )
    return Shape(
        type="string",
        patterns=frozenset([r"^\d*$"]),
        max_length=shape.length_bounds()[1],
        newline_free=True,
    )


def _shape_upper(shape, options):
    _need_string("upper", shape)
    kept = {p for p in shape.patterns if p in CASE_SAFE_PATTERNS or digit_lengths(p) is not None}
    low, high = shape.length_bounds()
    if not kept and high is not None:
        high *= 3  # a character may upper-case into three (ß -> SS, ΐ -> Ϊ́)
    return Shape(
        type="string",
        patterns=frozenset(kept),
        min_length=low,
        max_length=high,
        newline_free=shape.newline_free,
    )


def _digits_to_integer(kind, shape):
    intervals = shape.digit_intervals() if shape.type == "string" else None
    # At least one digit: an empty string (``^\d*$``, e.g. after digits_only) is no number.
    if intervals is None or min(lo for lo, _hi in intervals) < 1:
        raise TransformError(kind, "not_digits", got=shape.type)
    highs = [hi for _lo, hi in intervals]
    maximum = None if None in highs else 10 ** max(highs) - 1
    return Shape(type="integer", minimum=0, maximum=maximum)


def _shape_to_integer(shape, options):
    if shape.type == "integer":
        return shape
    return _digits_to_integer("to_integer", shape)


def _shape_to_number(shape, options):
    if shape.type in ("integer", "number"):
        return shape
    return _digits_to_integer("to_number", shape)


def _shape_lookup(shape, options):
    fallback = options.get("fallback") or ""
    if not fallback:
        raise TransformError("lookup", "not_a_choice", got=shape.type)
    codes = [row.get("to", "") for row in options.get("table") or []] + [fallback]
    return Shape.of_values(codes)


SHAPES = {
    "date_format": _shape_date_format,
    "join": _shape_join,
    "split": _shape_split,
    "digits_only": _shape_digits_only,
    "upper": _shape_upper,
    "to_integer": _shape_to_integer,
    "to_number": _shape_to_number,
    "lookup": _shape_lookup,
}


def push_one(transform, shape):
    """The shape of ``apply_one(transform, v)`` for every ``v`` of ``shape``."""
    kind = transform.get("type")
    function = SHAPES.get(kind)
    if function is None:
        raise TransformError(str(kind), "unknown_transform")
    options = {key: value for key, value in transform.items() if key != "type"}
    if shape.enum is not None:
        # Known values (a list among them): run the transform on each, exactly.
        return _exact(kind, shape, options)
    if shape.type == "array" and kind not in WHOLE_VALUE:
        before = shape.items or Shape()
        items = push_one(transform, before)
        injective = kind == "date_format" or (
            items.enum is not None
            and before.enum is not None
            and len(items.enum) == len(before.enum)
        )
        return shape.replace(items=items, unique=shape.unique and injective)
    return function(shape, options)


def push(transforms, shape):
    for transform in transforms:
        shape = push_one(transform, shape)
    return shape
