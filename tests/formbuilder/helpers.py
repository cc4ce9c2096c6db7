"""Build forms in code and play answers through the step forms, the way the wizard does."""

from django.utils.datastructures import MultiValueDict

from constructor.formbuilder.compiler import compile_form
from constructor.formbuilder.conditions import is_visible
from constructor.formbuilder.forms import build_step_form

PART_TYPES = {"full_name", "address", "passport", "bank_account"}


def field(type_, key, label=None, *, required=True, condition=None, **options):
    value = {
        "key": key,
        "label": label or key,
        "hint": "",
        "required": required,
        "condition": condition or {"field": "", "operator": "equals", "value": ""},
    }
    value.update(options)
    return {"type": type_, "value": value}


def info(text="Справка"):
    return {"type": "info", "value": {"heading": "", "text": text}}


def step(key, *fields, title=None, condition=None):
    return {
        "type": "step",
        "value": {
            "key": key,
            "title": title or key,
            "intro": "",
            "condition": condition or {"field": "", "operator": "equals", "value": ""},
            "fields": list(fields),
        },
    }


def when(key, operator="equals", value=""):
    return {"field": key, "operator": operator, "value": value}


def options(*codes):
    return [
        {"type": "item", "value": {"code": code, "label": code.upper()}, "id": f"option-{index}"}
        for index, code in enumerate(codes)
    ]


def to_post(layout_field, answer, name, data):
    kind = layout_field["type"]
    if kind in PART_TYPES:
        for part, value in answer.items():
            data.setlist(f"{name}_{part}", [value])
    elif kind == "group":
        children = {child["key"]: child for child in layout_field["options"]["fields"]}
        for index, item in enumerate(answer):
            for key, value in item.items():
                to_post(children[key], value, f"{name}-{index}-{key}", data)
    elif kind == "choice" and isinstance(answer, list):
        data.setlist(name, list(answer))
    elif kind == "yes_no":
        data.setlist(name, ["yes" if answer else "no"] if isinstance(answer, bool) else [answer])
    elif kind == "consent":
        if answer is True:
            data.setlist(name, ["on"])
    else:
        data.setlist(name, [str(answer)])


def wizard_accepts(schema, answers, files=None):
    """Play ``answers`` through the step forms in order; return (accepted, answers, errors).

    The wizard accepts an answer when every visible step's form is valid and the answers
    the forms produce are exactly the given ones (nothing dropped, nothing normalised).
    """
    collected, errors = {}, {}
    for layout_step in schema["layout"]["steps"]:
        if not is_visible(layout_step["condition"], collected):
            continue
        form_class = build_step_form(layout_step, collected)
        data = MultiValueDict()
        for layout_field in layout_step["fields"]:
            key = layout_field["key"]
            if key in answers and key in form_class.base_fields:
                to_post(layout_field, answers[key], key, data)
        form = form_class(data=data, files=MultiValueDict(files or {}))
        if not form.is_valid():
            errors.update(form.errors)
            return False, collected, errors
        collected.update(form.answers())
    return collected == answers, collected, errors


def compiled(*steps):
    return compile_form(list(steps))
