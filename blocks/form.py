"""Form blocks: the application form of a service, built from the field-type registry.

The form is a stream of steps; each step holds field blocks of every registered type.
Its ``clean`` gives every step, field and option that has a label but no key one made from
the label (``constructor.formbuilder.keys``), on every save, draft or not: editors write
questions, not identifiers. Then it runs the editor checks (``constructor.formbuilder.checks``)
and reports each problem at the block that causes it. Saving a draft defers the checks;
publishing and sending for review run them.

Every refusal also says, in words, where it is («Шаг «Контакты», поле «Телефон»: …»):
``ApplicationFormError.problems``, which the page form lists at the top of the editor and the
quality panel lists before the editor sends anything (``form_problems``).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from constructor.formbuilder.checks import check_form
from constructor.formbuilder.keys import fill_keys
from constructor.formbuilder.registry import ConditionBlock, key_block
from constructor.formbuilder.types import field_types

STEP_KEY_HELP = _(
    "Made from the step title when left empty, and kept when the title is reworded. "
    "Latin letters, digits and underscores, starting with a letter."
)


def field_stream_block():
    return blocks.StreamBlock(
        [(name, kind.block()) for name, kind in field_types().items()],
        label=_("Fields"),
        required=False,
    )


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step title"), max_length=120)
    key = key_block(help_text=STEP_KEY_HELP)
    intro = blocks.TextBlock(label=_("Introduction"), required=False, max_length=1000)
    condition = ConditionBlock(required=False)
    fields = field_stream_block()

    class Meta:
        icon = "form"
        label = _("Step")
        label_format = "{title}"
        help_text = _("One page of the application form.")


class ApplicationFormBlock(blocks.StreamBlock):
    step = StepBlock()

    class Meta:
        required = False

    def clean(self, value):
        deferred = getattr(self, "is_deferred_validation", False)
        try:
            cleaned = super().clean(value)
        except StreamBlockValidationError as error:
            if deferred:
                raise ApplicationFormError(error, locate(self, value, error)) from None
            # Say everything at once: the form checks too, if all that is missing is required
            # inputs (as a draft would save it), so fixing one problem does not reveal the next.
            error = merge_errors(error, self.form_check_errors(value))
            raise ApplicationFormError(error, locate(self, value, error)) from None
        raw = fill_keys(self.get_prep_value(cleaned))
        cleaned = self.to_python(raw)
        if deferred:
            return cleaned
        problems = check_form(raw)
        if problems:
            error = errors_at(self, raw, problems)
            raise ApplicationFormError(error, locate(self, cleaned, error))
        return cleaned

    def form_check_errors(self, value):
        """The form checks' errors of a value whose only faults are empty required inputs."""
        try:
            raw = self.get_prep_value(self.clean_deferred(value))
        except ValidationError:
            return None
        problems = check_form(raw)
        return errors_at(self, raw, problems) if problems else None


def merge_errors(first, second):
    """One block error tree holding the messages of both (either may be None)."""
    if first is None or second is None:
        return first or second
    if isinstance(
        first, StreamBlockValidationError | StructBlockValidationError | ListBlockValidationError
    ) and type(first) is type(second):
        block_errors = dict(first.block_errors)
        for index, error in second.block_errors.items():
            block_errors[index] = merge_errors(block_errors.get(index), error)
        non_block = [*first.non_block_errors.as_data(), *second.non_block_errors.as_data()]
        return type(first)(block_errors=block_errors, non_block_errors=non_block or None)
    return ValidationError(
        [*ValidationError(first).error_list, *ValidationError(second).error_list]
    )


class ApplicationFormError(StreamBlockValidationError):
    """The form's errors at their blocks, plus each one named in words (``problems``)."""

    def __init__(self, error, problems):
        super().__init__(block_errors=error.block_errors, non_block_errors=error.non_block_errors)
        self.problems = problems
        # What the editor's message at the top says after «Application form:».
        self.message = gettext("There are problems; each is named here and marked at its block.")


@dataclass(frozen=True)
class FormProblem:
    """A problem of the form, named the way the editor knows it: step, field, input."""

    where: str
    message: str
    block_id: str = ""  # the innermost step or field block, to jump to
    input_id: str = ""  # the input at fault, when the problem is about one

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else self.message


def form_problems(stream_value, field_name="application_form"):
    """Every problem that would refuse this form on publishing or review, as ``FormProblem``.

    ``field_name`` is the stream field's, for the ids of the inputs at fault.
    """
    if not stream_value:
        return []
    block = ApplicationFormBlock()
    raw = stream_value.get_prep_value() if hasattr(stream_value, "get_prep_value") else stream_value
    value = block.to_python(raw)
    try:
        block.clean(value)
    except ApplicationFormError as error:
        return locate(block, value, error, field_name)
    return []


def _child_name(child_type, value, position):
    """How the editor knows a block of the form: «step «Контакты»», «field «Телефон»»."""
    value = value or {}
    if child_type == "step":
        title = (value.get("title") or "").strip()
        if title:
            return gettext("step «%(name)s»") % {"name": title}
        return gettext("step %(n)d") % {"n": position}
    kind = field_types().get(child_type)
    label = (value.get("label") or value.get("heading") or "").strip()
    if label:
        return gettext("field «%(name)s»") % {"name": label}
    kind_label = kind.label if kind is not None else child_type
    return gettext("field %(n)d (%(kind)s)") % {"n": position, "kind": kind_label}


def _messages(errors):
    return [message for error in errors for message in error.messages]


def locate(block, value, error, prefix="", trail=(), block_id=""):
    """``FormProblem`` for every message in a block error tree, walking the value beside it.

    ``prefix`` is the stream field's name: Wagtail names each input after its path
    (``application_form-0-value-fields-1-value-text``), which gives a failing input's id.
    """
    problems = []

    def add(messages, where_trail, input_id=""):
        where = ", ".join(where_trail)
        where = where[:1].upper() + where[1:]
        problems.extend(
            FormProblem(where, message, block_id, input_id if prefix else "")
            for message in messages
        )

    if isinstance(error, StreamBlockValidationError):
        add(_messages(error.non_block_errors.as_data()), trail)
        for index, child_error in error.block_errors.items():
            child = value[index]
            name = _child_name(child.block_type, child.value, index + 1)
            problems += locate(
                child.block,
                child.value,
                child_error,
                f"{prefix}-{index}-value",
                (*trail, name),
                child.id or block_id,
            )
    elif isinstance(error, StructBlockValidationError):
        add(_messages(error.non_block_errors.as_data()), trail)
        for name, child_error in error.block_errors.items():
            child_block = block.child_blocks[name]
            child_value = value.get(name) if value is not None else None
            here = trail
            if not isinstance(child_block, blocks.StreamBlock | blocks.ListBlock):
                here = (*trail, f"«{child_block.label}»")
            problems += locate(
                child_block, child_value, child_error, f"{prefix}-{name}", here, block_id
            )
    elif isinstance(error, ListBlockValidationError):
        add(_messages(error.non_block_errors.as_data()), (*trail, f"«{block.label}»"))
        for index, item_error in error.block_errors.items():
            item = value[index] if value is not None and index < len(value) else None
            label = (item.get("label") or "").strip() if hasattr(item, "get") else ""
            name = (
                gettext("option %(n)d «%(label)s»") % {"n": index + 1, "label": label}
                if label
                else gettext("option %(n)d") % {"n": index + 1}
            )
            problems += locate(
                block.child_block,
                item,
                item_error,
                f"{prefix}-{index}-value",
                (*trail, name),
                block_id,
            )
    else:
        add(_messages([error]), trail, input_id=prefix)
    return problems


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
        return StructBlockValidationError(
            block_errors=block_errors, non_block_errors=ValidationError(here) if here else None
        )
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
