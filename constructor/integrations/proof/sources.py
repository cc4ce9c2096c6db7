"""Sources: the shape of what a rule takes, from an answer, a constant or a system value.

Each answer gets a ``Shape`` from the form's compiled JSON Schema fragment, whose keywords
hold for every answer ``validate_answers`` accepts; constants and defaults are concrete values.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from constructor.formbuilder.types import field_types
from constructor.integrations.proof.mapping import SYSTEM_VALUES, resolve_source
from constructor.integrations.proof.presence import ALWAYS
from constructor.integrations.proof.problems import system_label
from constructor.integrations.proof.shapes import (
    ISO_DATE_PATTERN,
    Shape,
    shape_from_schema,
    value_key,
)

SYSTEM_SHAPES = {
    "number": Shape(type="string", min_length=1, max_length=20, newline_free=True),
    "submitted_at": Shape(type="string", formats=frozenset({"date-time"}), newline_free=True),
    "submitted_on": Shape(
        type="string",
        formats=frozenset({"date"}),
        patterns=frozenset({ISO_DATE_PATTERN}),
        min_length=10,
        max_length=10,
        newline_free=True,
    ),
    "region_code": Shape(
        type="string",
        patterns=frozenset({r"^\d{2}$"}),
        min_length=2,
        max_length=2,
        newline_free=True,
    ),
    "form_version": Shape(type="integer", minimum=1),
    "service_code": Shape(type="string", newline_free=True),
}


@dataclass
class Source:
    shape: Shape
    atom: str  # presence of the value (per item for a spread source)
    describe: object  # () -> "поле «…»", for messages (translated only when needed)
    name: str  # the Problem's ``source``
    group: str | None = None  # the group key of a spread source
    array_atom: str = ALWAYS  # presence of the group, for a spread source
    min_items: int = 0
    max_items: int | None = None

    @cached_property
    def phrase(self):
        return self.describe()


class SourcesMixin:
    def source(self, rule, segments):
        index, kind = rule.get("index"), rule.get("source")
        if kind == "constant":
            value = rule.get("constant") or ""
            return Source(
                Shape.of_values([value]),
                ALWAYS,
                lambda: _("the constant «%(value)s»") % {"value": value},
                "constant",
            )
        if kind == "system":
            name = rule.get("system") or ""
            if name not in SYSTEM_VALUES:
                self.error(
                    "unknown_source",
                    _("Choose the system value for this rule."),
                    segments,
                    f"system:{name}",
                    index,
                )
                return None
            return Source(
                SYSTEM_SHAPES[name],
                ALWAYS,
                lambda: _("the system value «%(label)s»") % {"label": system_label(name)},
                f"system:{name}",
            )
        if kind != "field":
            self.error(
                "unknown_source",
                _("Choose where the value comes from: a form field, a constant or a system value."),
                segments,
                "",
                index,
            )
            return None
        path = rule.get("field") or ""
        resolved = resolve_source(self.json_schema, path)
        if resolved is None:
            message = (
                _("The form has no field «%(path)s».") % {"path": path}
                if path
                else _("Choose the form field for this rule.")
            )
            self.error("unknown_source", message, segments, path, index)
            return None

        def phrase():
            return _("the field «%(label)s»") % {"label": self.labels.get(path, path)}

        layout_field = self.layout.get(path)
        shape = shape_from_schema(resolved.fragment, self.choice_labels(layout_field))
        top = self.properties[resolved.key]
        top_atom = ALWAYS if resolved.key in self.always else f"field:{resolved.key}"
        if not resolved.group:
            within = self.parts_required(top, resolved.parts)
            return Source(shape, top_atom if within else f"part:{path}", phrase, path)
        items = top.get("items") or {}
        within = self.parts_required(items, resolved.parts)
        group_min, group_max = top.get("minItems", 0), top.get("maxItems")
        if "*" in segments:
            return Source(
                shape,
                ALWAYS if within else f"item:{path}",
                phrase,
                path,
                group=resolved.key,
                array_atom=top_atom,
                min_items=group_min,
                max_items=group_max,
            )
        array = Shape(
            type="array",
            items=shape,
            min_items=group_min if within else 1,
            max_items=group_max,
        )
        return Source(array, top_atom if within else f"part:{path}", phrase, path)

    @staticmethod
    def parts_required(fragment, parts):
        for part in parts:
            if part not in (fragment.get("required") or ()):
                return False
            fragment = (fragment.get("properties") or {}).get(part) or {}
        return True

    def choice_labels(self, layout_field):
        if not layout_field:
            return {}
        if layout_field["type"] == "choice":
            return {
                value_key(choice["code"]): choice["label"]
                for choice in layout_field["options"].get("choices") or []
            }
        if layout_field["type"] == "yes_no":
            if self.yes_no_labels is None:
                labels = dict(field_types()["yes_no"].choices)
                self.yes_no_labels = {
                    value_key(True): str(labels["yes"]),
                    value_key(False): str(labels["no"]),
                }
            return self.yes_no_labels
        return {}
