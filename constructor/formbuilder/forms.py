"""One Django form per step, generated from the layout of a FormVersion."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from constructor.formbuilder.conditions import is_visible
from constructor.formbuilder.registry import field_type
from constructor.formbuilder.types.basic import file_id


class StepForm(forms.Form):
    """Base of the generated step forms.

    ``step`` is the layout step, ``prior_answers`` the answers of the other steps.
    Fields whose condition depends on this same step are built not-required and checked
    in ``clean()`` once the earlier answers of the step are known.
    """

    step = None
    prior_answers = {}
    layout_fields = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, field in self.layout_fields.items():
            if key in self.prior_answers and key not in self.initial:
                self.initial[key] = field_type(field["type"]).from_answer(
                    self.prior_answers[key], field
                )

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
