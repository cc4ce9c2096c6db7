"""The repeatable group: several items of the same nested fields (e.g. each child)."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from constructor.formbuilder.registry import FIELD_TYPES, FieldType, compile_field, register

# Nested fields are plain answers: no groups inside groups, no uploads, no info text.
NOT_NESTABLE = {"group", "file", "info"}


def nested_types():
    return {name: kind for name, kind in FIELD_TYPES.items() if name not in NOT_NESTABLE}


class EntryRows(list):
    """The entries a group's inputs hold, and what the last press of its buttons did.

    ``change`` is ``("added", index)`` or ``("removed", index)`` when the step was sent by
    «Добавить ещё» or «Удалить»; the redrawn step puts the focus there (``autofocus``).
    """

    change = None


class GroupWidget(forms.Widget):
    """The GOV.UK "add another" pattern: entries, a count, and buttons that work without JS.

    Inputs are named ``<name>-<n>-<child>``, with ``<name>-count`` saying how many entries the
    page holds. «Добавить ещё» (``<name>-add``) and «Удалить» (``<name>-remove`` = n) are
    submit buttons: the step comes back with one entry more or less, with everything typed and
    nothing checked (``StepForm.rearranging``). application-form.js does the same in the page,
    from the empty entry in the ``<template>``, and renumbers the inputs so the server always
    reads entries 0 to count - 1.
    """

    template_name = "formbuilder/group.html"
    TEMPLATE_INDEX = "__index__"

    def __init__(self, children, min_items, max_items, item_label="", attrs=None):
        super().__init__(attrs)
        self.children, self.min_items, self.max_items = children, min_items, max_items
        self.item_label = item_label

    # -- reading ------------------------------------------------------------------------

    def declared_count(self, data, name):
        try:
            count = int(data.get(f"{name}-count"))
        except (TypeError, ValueError):
            return None
        return min(max(count, 0), self.max_items)

    def action(self, data, name):
        """``("add", None)`` or ``("remove", n)`` when one of the group's buttons sent the step."""
        if f"{name}-add" in data:
            return ("add", None)
        try:
            return ("remove", int(data[f"{name}-remove"]))
        except (KeyError, TypeError, ValueError):
            return None

    def read_entry(self, data, files, name, index):
        return {
            key: field.widget.value_from_datadict(data, files, f"{name}-{index}-{key}")
            for key, field in self.children.items()
        }

    def value_from_datadict(self, data, files, name):
        count = self.declared_count(data, name)
        if count is None:
            # Sent without the count (a draft saved before it existed, a script): the filled
            # entries, and one past the limit so that too many is said, not dropped.
            rows = [self.read_entry(data, files, name, i) for i in range(self.max_items + 1)]
            while rows and not _row_filled(rows[-1]):
                rows.pop()
        else:
            rows = [self.read_entry(data, files, name, i) for i in range(count)]
        rows = EntryRows(rows)
        action = self.action(data, name)
        if action is None:
            return rows
        kind, index = action
        if kind == "add" and len(rows) < self.max_items:
            rows.append({})
            rows.change = ("added", len(rows) - 1)
        elif kind == "remove" and 0 <= index < len(rows) and len(rows) > self.least_shown():
            del rows[index]
            rows.change = ("removed", index)
        return rows

    # -- drawing ------------------------------------------------------------------------

    def least_shown(self):
        """Entries always on the page: the minimum, and one to fill in even when it is 0."""
        return max(self.min_items, 1)

    def entry_title(self, number):
        values = {"n": number, "max": self.max_items}
        if self.item_label:
            return gettext("%(item)s %(n)s of %(max)s") % {**values, "item": self.item_label}
        return gettext("Entry %(n)s of %(max)s") % values

    def room_text(self, count):
        if count < self.max_items:
            return gettext("You can add %(n)s more.") % {"n": self.max_items - count}
        return gettext("That is the most you can add: %(max)s.") % {"max": self.max_items}

    def entry(self, name, index, row, renderer, *, number=None, autofocus=False):
        """One entry's context: its title and its questions, named for its index."""
        controls = []
        for position, (key, field) in enumerate(self.children.items()):
            child_name = f"{name}-{index}-{key}"
            child_id = f"id_{child_name}"
            attrs = {"id": child_id}
            if field.help_text:
                attrs["aria-describedby"] = f"{child_id}-hint"
            if autofocus and position == 0:
                attrs["autofocus"] = True
            control = field.widget.render(child_name, row.get(key), attrs=attrs, renderer=renderer)
            controls.append(child_control(child_id, field, control))
        return {
            "index": index,
            "title": self.entry_title(index + 1 if number is None else number),
            "title_id": f"id_{name}-{index}-title",
            "controls": controls,
        }

    def render(self, name, value, attrs=None, renderer=None):
        rows = list(value or [])
        count = max(len(rows), self.least_shown())
        rows += [{}] * (count - len(rows))
        change, at = getattr(value, "change", None) or (None, None)
        # After a removal the entry that took its place takes the focus (its title), or the
        # add button when the last one went.
        focus_title = at if change == "removed" and at < count else None
        status = ""
        if change == "added":
            status = self.added_text(at + 1)
        elif change == "removed":
            status = self.removed_text(count)
        group = {
            "name": name,
            "count": count,
            "entries": [
                self.entry(name, index, row, renderer, autofocus=change == "added" and index == at)
                for index, row in enumerate(rows)
            ],
            "removable": count > self.least_shown(),
            "can_add": count < self.max_items,
            "room": self.room_text(count),
            "status": status,
            "focus_title": focus_title,
            "focus_add": change == "removed" and focus_title is None,
            # The empty entry application-form.js copies, and the texts it fills in.
            "template": self.entry(name, self.TEMPLATE_INDEX, {}, renderer, number="__number__"),
            "least": self.least_shown(),
            "most": self.max_items,
            "title_pattern": self.entry_title("__number__"),
            "room_pattern": gettext("You can add %(n)s more.") % {"n": "__count__"},
            "full_text": self.room_text(self.max_items),
            "added_pattern": self.added_text("__number__"),
            "removed_pattern": self.removed_text("__count__"),
        }
        return render_to_string(self.template_name, {"group": group})

    def added_text(self, number):
        return gettext("Entry %(n)s of %(max)s added.") % {"n": number, "max": self.max_items}

    def removed_text(self, count):
        return gettext("Entry removed. Entries left: %(n)s of %(max)s.") % {
            "n": count,
            "max": self.max_items,
        }


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
    def __init__(self, children, child_types, min_items, max_items, item_label="", **kwargs):
        self.children, self.child_types = children, child_types
        self.min_items, self.max_items = min_items, max_items
        self.item_label = item_label
        kwargs["widget"] = GroupWidget(children, min_items, max_items, item_label)
        super().__init__(**kwargs)

    def entry_error(self, number, label, message):
        values = {"n": number, "label": label, "message": message}
        if self.item_label:
            return gettext("%(item)s %(n)s, %(label)s: %(message)s") % {
                **values,
                "item": self.item_label,
            }
        return gettext("Item %(n)s, %(label)s: %(message)s") % values

    def clean(self, value):
        # Entries left empty are not answers (say, one added and then not needed); the others
        # keep the number the citizen sees on the page.
        rows = [(number, row) for number, row in enumerate(value or [], start=1) if row]
        rows = [(number, row) for number, row in rows if _row_filled(row)]
        if not rows:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        items, errors = [], []
        for number, row in rows:
            item = {}
            for key, field in self.children.items():
                try:
                    answer = self.child_types[key].to_answer(field.clean(row.get(key)))
                except ValidationError as error:
                    errors.extend(
                        ValidationError(self.entry_error(number, field.label, message))
                        for message in error.messages
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
                "item_label",
                blocks.CharBlock(
                    label=_("What one entry is"),
                    required=False,
                    max_length=60,
                    help_text=_(
                        'A word for one entry, e.g. "Child": the entries are headed '
                        '"Child 1 of 5". Empty means "Entry".'
                    ),
                ),
            ),
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
        options = {
            "min_items": value.get("min_items") or 0,
            "max_items": value.get("max_items") or self.default_max_items,
            "fields": [
                compile_field(child) for child in value.get("fields") or [] if child.get("value")
            ],
        }
        # Only a word the editor gave: forms without one compile exactly as before.
        if (value.get("item_label") or "").strip():
            options["item_label"] = value["item_label"].strip()
        return options

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
            opts.get("item_label", ""),
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
