"""Form blocks: the application form of a service, built from the field-type registry.

The form is a stream of steps; each step holds field blocks of every registered type.
Its ``clean`` runs the editor checks (``constructor.formbuilder.checks``) and reports each
problem at the block that causes it. Saving a draft defers the checks; publishing runs them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from constructor.formbuilder.checks import check_form
from constructor.formbuilder.registry import KEY_HELP, KEY_PATTERN, ConditionBlock, field_types


def field_stream_block():
    return blocks.StreamBlock(
        [(name, kind.block()) for name, kind in field_types().items()],
        label=_("Fields"),
        required=False,
    )


class StepBlock(blocks.StructBlock):
    key = blocks.RegexBlock(
        KEY_PATTERN, label=_("Key"), help_text=KEY_HELP, error_messages={"invalid": KEY_HELP}
    )
    title = blocks.CharBlock(label=_("Step title"), max_length=120)
    intro = blocks.TextBlock(label=_("Introduction"), required=False, max_length=1000)
    condition = ConditionBlock(required=False)
    fields = field_stream_block()

    class Meta:
        icon = "form"
        label = _("Step")
        help_text = _("One page of the application form.")


class ApplicationFormBlock(blocks.StreamBlock):
    step = StepBlock()

    class Meta:
        required = False

    def clean(self, value):
        value = super().clean(value)
        if getattr(self, "is_deferred_validation", False):
            return value
        raw = self.get_prep_value(value)
        problems = check_form(raw)
        if problems:
            raise errors_at(self, raw, problems)
        return value


def errors_at(block, raw, problems):
    """Nest ``(path, message)`` problems into the error classes of the blocks on the path."""
    here = [message for path, message in problems if not path]
    children = {}
    for path, message in problems:
        if path:
            children.setdefault(path[0], []).append((path[1:], message))

    if isinstance(block, blocks.StreamBlock):
        block_errors = {}
        for index, sub in children.items():
            child_raw = raw[index]
            child_block = block.child_blocks[child_raw["type"]]
            block_errors[index] = errors_at(child_block, child_raw.get("value"), sub)
        return blocks.StreamBlockValidationError(
            block_errors=block_errors, non_block_errors=ValidationError(here) if here else None
        )
    if isinstance(block, blocks.StructBlock):
        block_errors = {
            name: errors_at(block.child_blocks[name], (raw or {}).get(name), sub)
            for name, sub in children.items()
        }
        if here:
            # A struct has no place for its own message: show it at its first child.
            first = next(iter(block.child_blocks))
            block_errors.setdefault(first, ValidationError(here))
        return StructBlockValidationError(block_errors=block_errors)
    if isinstance(block, blocks.ListBlock):
        items = [
            item.get("value") if isinstance(item, dict) and "type" in item else item
            for item in raw or []
        ]
        block_errors = {
            index: errors_at(block.child_block, items[index], sub)
            for index, sub in children.items()
        }
        return ListBlockValidationError(
            block_errors=block_errors, non_block_errors=ValidationError(here) if here else None
        )
    return ValidationError(here)
