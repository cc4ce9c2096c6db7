"""Answers as people read them: on the check-your-answers page, in the admin and in CSV."""

import datetime

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def choice_labels(field):
    """code -> label of a choice field, whatever list shape the layout options use."""
    options = field.get("options") or {}
    labels = {}
    for option in options.get("choices") or options.get("options") or []:
        if isinstance(option, dict):
            labels[str(option.get("code"))] = option.get("label") or option.get("code")
        elif isinstance(option, list | tuple) and len(option) == 2:
            labels[str(option[0])] = option[1]
    return labels


def format_date(value):
    try:
        return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return str(value)


def display_answer(field, value):
    """One answer as a single line of text."""
    kind = field.get("type")
    if value is None or value == "" or value == []:
        return _("Not given")
    if kind == "choice":
        labels = choice_labels(field)
        codes = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(str(code), code)) for code in codes)
    if kind in ("yes_no", "consent") or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if kind == "date":
        return format_date(value)
    if kind == "file":
        return ", ".join(f"{item['name']} ({filesizeformat(item['size'])})" for item in value)
    if kind == "passport":
        return _("%(series)s %(number)s, issued %(date)s, issuer code %(code)s") % {
            "series": value.get("series", ""),
            "number": value.get("number", ""),
            "date": format_date(value.get("issue_date")),
            "code": value.get("issuer_code", ""),
        }
    if kind == "full_name":
        parts = [value.get("surname"), value.get("given_name"), value.get("patronymic")]
        return " ".join(part for part in parts if part)
    if kind == "address":
        parts = ["postcode", "region", "locality", "street", "house", "flat"]
        return ", ".join(str(value[part]) for part in parts if value.get(part))
    if kind == "group":
        nested = {child["key"]: child for child in (field.get("options") or {}).get("fields", [])}
        items = []
        for number, item in enumerate(value, start=1):
            shown = "; ".join(
                f"{nested.get(key, {'label': key}).get('label', key)}: "
                f"{display_answer(nested.get(key, {'type': ''}), answer)}"
                for key, answer in item.items()
            )
            items.append(f"{number}. {shown}")
        return " | ".join(items)
    if isinstance(value, dict):
        return ", ".join(str(part) for part in value.values() if part not in (None, ""))
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    return str(value)


def answer_rows(layout_steps, answers):
    """(step title, question, answer text) for every given answer, in the form's order."""
    rows = []
    for step in layout_steps:
        for field in step["fields"]:
            if field.get("type") != "info" and field["key"] in answers:
                rows.append(
                    (step["title"], field["label"], display_answer(field, answers[field["key"]]))
                )
    return rows
