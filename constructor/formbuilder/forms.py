"""One Django form per step, generated from the layout of a FormVersion."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext

from constructor.formbuilder.conditions import is_visible
from constructor.formbuilder.types import field_type
from constructor.formbuilder.types.basic import file_id


class StepForm(forms.Form):
    """Base of the generated step forms.

    ``step`` is the layout step, ``prior_answers`` the answers of the other steps.
    Fields whose condition depends on this same step are built not-required and checked
    in ``clean()`` once the earlier answers of the step are known.

    ``refused_uploads`` ({field key: ValidationError}) are uploads the request stopped
    before they arrived (``upload_limits.py``): the rest of what was sent is drawn again
    unchecked, with the refusal at its field.
    """

    step = None
    prior_answers = {}
    layout_fields = {}

    def __init__(self, *args, refused_uploads=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_uploads = refused_uploads or {}
        for key, field in self.layout_fields.items():
            if key in self.prior_answers and key not in self.initial:
                self.initial[key] = field_type(field["type"]).from_answer(
                    self.prior_answers[key], field
                )

    def rearranging(self):
        """Whether a group's «Добавить ещё» or «Удалить» sent the step, not «Продолжить»."""
        if not self.is_bound:
            return False
        return any(
            getattr(field.widget, "action", None) is not None
            and field.widget.action(self.data, self.add_prefix(key)) is not None
            for key, field in self.fields.items()
        )

    def full_clean(self):
        if not (self.rearranging() or self.refused_uploads):
            super().full_clean()
            return
        # The citizen is not done with the page: nothing is checked, nothing is an answer.
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self._answers = {}
        for key, error in self.refused_uploads.items():
            self.add_error(key if key in self.fields else None, error)

    def is_valid(self):
        return not self.rearranging() and super().is_valid()

    def required_when_shown(self, key):
        """Whether the question must be answered whenever the citizen sees it.

        Its label says so (no «необязательно»): a field required under a condition on this
        same step is built not-required, and files already given make a required upload
        optional to send again, but neither says less than the rule. For a condition on this
        step the answers known now decide; application-form.js follows the page live.
        """
        field = self.layout_fields[key]
        if not field["required"]:
            return False
        condition = field["condition"]
        step_keys = {other["key"] for other in self.step["fields"] if other["key"]}
        if condition is None or condition["field"] not in step_keys:
            return True  # shown at all only because an earlier step's answer matched
        source = condition["field"]
        if not self.is_bound:
            return is_visible(condition, self.prior_answers)
        answer = self.sent_answer(source) if source in self.fields else None
        return is_visible(condition, {} if answer is None else {source: answer})

    def sent_answer(self, key):
        """The answer the data sent for one question, or None when it does not check out."""
        bound = self[key]
        kind = field_type(self.layout_fields[key]["type"])
        try:
            return kind.to_answer(bound.field.clean(bound.data))
        except ValidationError:
            return None

    def store_file(self, upload):
        """Where an upload goes; the citizen flow overrides it to save into private storage."""
        return file_id(upload)

    def clean(self):
        cleaned = super().clean()
        merged = {
            key: value for key, value in self.prior_answers.items() if key not in self.layout_fields
        }
        self._answers = {}
        for key, field in self.layout_fields.items():
            kind = field_type(field["type"])
            if not is_visible(field["condition"], merged):
                if self._errors:
                    self._errors.pop(key, None)
                cleaned.pop(key, None)
                continue
            if key in (self._errors or {}):
                continue
            answer = self.answer_for(kind, cleaned.get(key))
            if answer is None:
                if field["required"]:
                    self.add_error(key, gettext("This field is required."))
                continue
            check = getattr(kind, "cross_check", None)
            if check is not None:
                try:
                    check(field, answer, merged)
                except ValidationError as error:
                    self.add_error(key, error)
                    continue
            merged[key] = self._answers[key] = answer
        return cleaned

    def answer_for(self, kind, cleaned):
        if kind.name == "file" and cleaned:
            cleaned = [self.file_answer(item) for item in cleaned]
        return kind.to_answer(cleaned)

    def file_answer(self, item):
        if isinstance(item, dict):
            return item
        return {
            "id": self.store_file(item),
            "name": item.name[-255:],
            "size": item.size,
            "content_type": item.content_type,
        }

    def answers(self):
        """The step's answers as JSON: hidden and empty fields are absent."""
        if not self.is_bound or self.errors:
            raise ValueError("answers() needs a valid bound form")
        return dict(self._answers)


def build_step_form(step, answers):
    """A form class with the step's fields that are visible given the answers so far.

    A field whose condition refers to this same step is included (not required) and
    decided in ``clean()``; a field hidden by an answer of another step is left out.
    """
    step_keys = {field["key"] for field in step["fields"] if field["key"]}
    attrs, layout_fields = {}, {}
    for field in step["fields"]:
        key = field["key"]
        if key is None:
            continue
        condition = field["condition"]
        depends_on_step = condition is not None and condition["field"] in step_keys
        if condition is not None and not depends_on_step and not is_visible(condition, answers):
            continue
        form_field = field_type(field["type"]).form_field(field)
        if depends_on_step:
            form_field.required = False
        if field["type"] == "file" and key in answers:
            form_field.required = False  # the files already given stay unless replaced
        attrs[key] = form_field
        layout_fields[key] = field
    attrs.update(step=step, prior_answers=dict(answers), layout_fields=layout_fields)
    return type(f"StepForm_{step['key']}", (StepForm,), attrs)
