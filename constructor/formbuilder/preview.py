"""The editor's preview of a service's application form: every step and question on one page.

Wagtail calls ``ServicePage.serve_preview`` with the unsaved page, so the official sees the
form exactly as it stands in the editor, drawn by the same field types and template as the
citizen's steps, with each condition spelled out. Nothing is saved or submitted from here.
"""

from django import forms
from django.template.response import TemplateResponse

from constructor.formbuilder.compiler import compile_form
from constructor.formbuilder.models import page_form_data
from constructor.formbuilder.registry import OPERATORS
from constructor.formbuilder.types import field_type

PREVIEW_MODE = "application_form"


def condition_text(condition, labels):
    """«Question» is yes — how a condition reads to the official."""
    if not condition:
        return ""
    operator = dict(OPERATORS).get(condition["operator"], condition["operator"])
    value = condition.get("value")
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    question = labels.get(condition["field"], condition["field"])
    shown = f"«{question}» {operator}"
    if condition["operator"] in ("equals", "not_equals", "one_of") and value not in (None, ""):
        shown += f" {value}"
    return shown


def preview_steps(schema):
    labels = {
        field["key"]: field["label"]
        for step in schema["layout"]["steps"]
        for field in step["fields"]
        if field.get("key")
    }
    steps = []
    for step in schema["layout"]["steps"]:
        questions = [f for f in step["fields"] if f["type"] != "info" and f.get("key")]
        form_class = type(
            "PreviewForm",
            (forms.Form,),
            {f["key"]: field_type(f["type"]).form_field(f) for f in questions},
        )
        form = form_class(prefix=step["key"])
        items = []
        for field in step["fields"]:
            if field["type"] == "info":
                items.append({"kind": "info", "layout": field})
            elif field.get("key") in form.fields:
                items.append(
                    {
                        "kind": "field",
                        "layout": field,
                        "bound": form[field["key"]],
                        "required": field["required"],
                        "shown_when": condition_text(field.get("condition"), labels),
                    }
                )
        steps.append(
            {
                "step": step,
                "items": items,
                "shown_when": condition_text(step.get("condition"), labels),
            }
        )
    return steps


def serve_form_preview(request, page):
    schema = compile_form(page_form_data(page))
    return TemplateResponse(
        request,
        "formbuilder/preview.html",
        {"page": page, "self": page, "steps": preview_steps(schema)},
    )
