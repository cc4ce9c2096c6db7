"""One entry per field type: its block, JSON Schema fragment, Django field and mapping type.

Adding a field type means writing one ``FieldType`` subclass (in ``types/``) and calling
``register()`` on it; the form blocks, the compiler, the step forms and the validator all
read the registry, so there is no second place to edit.

The compiler hands every method a *field*: the compiled layout entry
``{"key", "type", "label", "hint", "required", "condition", "options"}``.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


def _format(message, values):
    return str(message) % values


_lazy_format = lazy(_format, str)


def lazy_format(message, **values):
    """``message % values``, translated when shown, not when the module is imported.

    Block definitions are built at import time; formatting a lazy message there would freeze
    it in whatever language happened to be active (and leak into migrations).
    """
    return _lazy_format(message, values)


KEY_PATTERN = r"^[a-z][a-z0-9_]{0,49}$"
KEY_HELP = _("Latin letters, digits and underscores, starting with a letter: e.g. child_name.")
KEY_MADE_HELP = _(
    "Made from the question when left empty, and kept when the question is reworded: "
    "the agency mapping and published forms refer to it. Latin letters, digits and "
    "underscores, starting with a letter."
)
# Key inputs carry this class: the editor hides them until «Show technical keys» is ticked.
KEY_INPUT_CLASS = "form-key"


def key_block(help_text=KEY_MADE_HELP):
    """An optional key input: left empty, the key is made from the label on save (``keys``)."""
    return blocks.RegexBlock(
        KEY_PATTERN,
        label=_("Key"),
        required=False,
        help_text=help_text,
        error_messages={"invalid": KEY_HELP},
        form_classname=KEY_INPUT_CLASS,
    )


OPERATORS = [
    ("equals", _("equals")),
    ("not_equals", _("does not equal")),
    ("one_of", _("is one of (codes separated by commas)")),
    ("is_true", _("is yes / ticked")),
    ("is_false", _("is no")),
    ("filled", _("is filled in")),
]


class ConditionBlock(blocks.StructBlock):
    """Show the field (or step) only when an earlier answer matches."""

    field = blocks.RegexBlock(
        KEY_PATTERN,
        label=_("Field key"),
        required=False,
        help_text=_(
            "Key of an earlier field: tick «Show technical keys» above the form to see the "
            "keys. Leave empty to always show."
        ),
        error_messages={"invalid": KEY_HELP},
    )
    operator = blocks.ChoiceBlock(
        choices=OPERATORS, label=_("Operator"), default="equals", required=False
    )
    value = blocks.CharBlock(label=_("Value"), required=False, max_length=255)

    class Meta:
        icon = "view"
        label = _("Show only if")
        form_classname = "form-condition"
        collapsed = True


def common_children():
    """The parts every field block has, in the order editors see them."""
    return [
        ("label", blocks.CharBlock(label=_("Question"), max_length=255)),
        ("key", key_block()),
        ("hint", blocks.TextBlock(label=_("Hint"), required=False, max_length=1000)),
        ("required", blocks.BooleanBlock(label=_("Required"), required=False, default=True)),
        ("condition", ConditionBlock(required=False)),
    ]


class FieldType:
    """Everything about one kind of field. Subclasses override what differs."""

    name = ""
    label = ""
    icon = "form"
    description = ""
    mapping_type = "string"
    # ``info`` blocks show text and hold no answer.
    has_answer = True
    # Answers that are lists (checkboxes, files, groups) matter to conditions.
    is_list = False

    def extra_children(self):
        """Block children specific to this type, after the common ones."""
        return []

    def block(self):
        children = self.extra_children()
        if self.has_answer:
            children = common_children() + children
        return blocks.StructBlock(
            children,
            label=self.label,
            icon=self.icon,
            help_text=self.description,
        )

    def options(self, value):
        """JSON-safe layout options from the block value (a dict of the block's children)."""
        return {}

    def json_schema(self, field):
        raise NotImplementedError

    def form_field(self, field):
        raise NotImplementedError

    def field_kwargs(self, field):
        return {
            "label": field["label"],
            "help_text": field.get("hint", ""),
            "required": field["required"],
        }

    def to_answer(self, cleaned):
        """The JSON answer for a cleaned form value, or None when nothing was given."""
        if cleaned in (None, "", [], {}):
            return None
        return cleaned

    def from_answer(self, answer, field=None):
        """The form's initial value for a JSON answer."""
        return answer

    def checks(self, value):
        """Editor checks of this block's own options: [(path, message)], path relative to it."""
        return []

    def condition_value(self, field, text):
        """The condition's typed value for ``equals``/``not_equals`` on a field of this type."""
        return text


def list_items(raw):
    """Values of a stored ListBlock: ``[{"type": "item", "value": ..., "id": ...}]`` or plain."""
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
        for item in raw or []
    ]


FIELD_TYPES: dict[str, FieldType] = {}


def register(field_type):
    FIELD_TYPES[field_type.name] = field_type
    return field_type


def compile_condition_raw(value):
    condition = value or {}
    if not condition.get("field"):
        return None
    return {
        "field": condition["field"],
        "operator": condition.get("operator") or "equals",
        "value": (condition.get("value") or "").strip(),
    }


def compile_field(child):
    """One field block ``{"type", "value"}`` -> its layout entry (condition not yet typed)."""
    kind = FIELD_TYPES[child["type"]]
    value = child.get("value") or {}
    if not kind.has_answer:
        return {
            "key": None,
            "type": kind.name,
            "label": value.get("heading") or "",
            "hint": "",
            "required": False,
            "condition": None,
            "options": kind.options(value),
        }
    return {
        "key": value.get("key") or "",
        "type": kind.name,
        "label": value.get("label") or "",
        "hint": value.get("hint") or "",
        "required": bool(value.get("required")),
        "condition": compile_condition_raw(value.get("condition")),
        "options": kind.options(value),
    }
