"""The repeatable group: several items of the same nested fields (e.g. each child)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from constructor.formbuilder.registry import FIELD_TYPES, FieldType, register

# Nested fields are plain answers: no groups inside groups, no uploads, no info text.
NOT_NESTABLE = {"group", "file", "info"}


def nested_types():
    return {name: kind for name, kind in FIELD_TYPES.items() if name not in NOT_NESTABLE}


class GroupWidget(forms.Widget):
    """Rows named ``<key>-<n>-<child>``; one spare empty row lets people add an item without JS."""

    def __init__(self, children, min_items, max_items, attrs=None):
        super().__init__(attrs)
        self.children, self.min_items, self.max_items = children, min_items, max_items

    def value_from_datadict(self, data, files, name):
        rows = []
        for index in range(self.max_items + 1):
            row = {
                key: field.widget.value_from_datadict(data, files, f"{name}-{index}-{key}")
                for key, field in self.children.items()
            }
            rows.append(row)
        return rows

    def row_count(self, value):
        filled = len([row for row in value or [] if row and _row_filled(row)])
        return min(max(filled + 1, self.min_items, 1), self.max_items)

    def render(self, name, value, attrs=None, renderer=None):
        rows = [row for row in (value or []) if row and _row_filled(row)]
        count = self.row_count(value)
        items = []
        for index in range(count):
            row = rows[index] if index < len(rows) else {}
            controls = []
            for key, field in self.children.items():
                child_name = f"{name}-{index}-{key}"
                child_id = f"id_{child_name}"
                attrs = {"id": child_id}
                if field.help_text:
                    attrs["aria-describedby"] = f"{child_id}-hint"
                control = field.widget.render(
                    child_name, row.get(key), attrs=attrs, renderer=renderer
                )
                controls.append(child_control(child_id, field, control))
            items.append(
                format_html(
                    '<fieldset class="form-group-item"><legend>{}</legend>{}</fieldset>',
                    gettext("Item %(n)s") % {"n": index + 1},
                    format_html_join("", "{}", ((control,) for control in controls)),
                )
            )
        return format_html_join("", "{}", ((item,) for item in items))


# Widgets of several inputs: a fieldset and legend name them, a label could point at one only.
GROUPED_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


def child_control(child_id, field, control):
    """One nested question of a row, labelled for screen readers."""
    optional = (
        format_html(' <span class="form-optional">({})</span>', gettext("optional"))
        if not field.required
        else ""
    )
    hint = (
        format_html('<p class="form-hint" id="{}-hint">{}</p>', child_id, field.help_text)
        if field.help_text
        else ""
    )
    if isinstance(field.widget, GROUPED_WIDGETS):
        return format_html(
            '<fieldset class="form-field form-fieldset"><legend class="form-label">{}{}</legend>'
            "{}{}</fieldset>",
            field.label,
            optional,
            hint,
            control,
        )
    return format_html(
        '<div class="form-field"><label class="form-label" for="{}">{}{}</label>{}{}</div>',
        child_id,
        field.label,
        optional,
        hint,
        control,
    )


def _row_filled(row):
    def filled(value):
        if isinstance(value, list | tuple):
            return any(filled(part) for part in value)
        if isinstance(value, dict):
            return any(filled(part) for part in value.values())
        return value not in (None, "", False)

    return any(filled(value) for value in row.values())


class GroupFormField(forms.Field):
    def __init__(self, children, child_types, min_items, max_items, **kwargs):
        self.children, self.child_types = children, child_types
        self.min_items, self.max_items = min_items, max_items
        kwargs["widget"] = GroupWidget(children, min_items, max_items)
        super().__init__(**kwargs)

    def clean(self, value):
        rows = [row for row in value or [] if row and _row_filled(row)]
        if not rows:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        items, errors = [], []
        for index, row in enumerate(rows, start=1):
            item = {}
            for key, field in self.children.items():
                try:
                    answer = self.child_types[key].to_answer(field.clean(row.get(key)))
                except ValidationError as error:
                    for message in error.messages:
                        errors.append(
                            ValidationError(
                                gettext("Item %(n)s, %(label)s: %(message)s")
                                % {"n": index, "label": field.label, "message": message}
                            )
                        )
                    continue
                if answer is not None:
                    item[key] = answer
            items.append(item)
        if errors:
            raise ValidationError(errors)
        if len(items) < self.min_items:
            raise ValidationError(
                gettext("Add at least %(n)s items.") % {"n": self.min_items}, code="min_items"
            )
        if len(items) > self.max_items:
            raise ValidationError(
                gettext("Add no more than %(n)s items.") % {"n": self.max_items},
                code="max_items",
            )
        return items


class GroupField(FieldType):
    name = "group"
    label = _("Repeatable group")
    icon = "group"
    description = _("The same questions for each item, e.g. for each child.")
    mapping_type = "list"
    is_list = True
    default_max_items = 10

    def extra_children(self):
        return [
            (
                "min_items",
                blocks.IntegerBlock(
                    label=_("At least items"), default=1, min_value=0, max_value=50
                ),
            ),
            (
                "max_items",
                blocks.IntegerBlock(
                    label=_("At most items"),
                    default=self.default_max_items,
                    min_value=1,
                    max_value=50,
                ),
            ),
            (
                "fields",
                blocks.StreamBlock(
                    [(name, kind.block()) for name, kind in nested_types().items()],
                    label=_("Fields of each item"),
                    required=False,
                ),
            ),
        ]

    def options(self, value):
        from constructor.formbuilder.compiler import compile_field

        return {
            "min_items": value.get("min_items") or 0,
            "max_items": value.get("max_items") or self.default_max_items,
            "fields": [
                compile_field(child) for child in value.get("fields") or [] if child.get("value")
            ],
        }

    def checks(self, value):
        problems = []
        low, high = value.get("min_items"), value.get("max_items")
        if low is not None and high is not None and low > high:
            problems.append((("max_items",), gettext("The most items is below the least items.")))
        if not value.get("fields"):
            problems.append((("fields",), gettext("Add at least one field to the group.")))
        return problems

    def json_schema(self, field):
        opts = field["options"]
        properties, required = {}, []
        for child in opts["fields"]:
            properties[child["key"]] = FIELD_TYPES[child["type"]].json_schema(child)
            if child["required"]:
                required.append(child["key"])
        return {
            "type": "array",
            "minItems": max(opts["min_items"], 1),
            "maxItems": opts["max_items"],
            "items": {
                "type": "object",
                "properties": properties,
                "required": sorted(required),
                "additionalProperties": False,
                "minProperties": 1,
            },
        }

    def form_field(self, field):
        opts = field["options"]
        children = {
            child["key"]: FIELD_TYPES[child["type"]].form_field(child) for child in opts["fields"]
        }
        child_types = {child["key"]: FIELD_TYPES[child["type"]] for child in opts["fields"]}
        return GroupFormField(
            children,
            child_types,
            opts["min_items"],
            opts["max_items"],
            **self.field_kwargs(field),
        )

    def from_answer(self, answer, field=None):
        kinds = {child["key"]: child for child in field["options"]["fields"]} if field else {}
        return [
            {
                key: FIELD_TYPES[kinds[key]["type"]].from_answer(value, kinds[key])
                for key, value in item.items()
                if key in kinds
            }
            for item in answer or []
        ]


register(GroupField())
