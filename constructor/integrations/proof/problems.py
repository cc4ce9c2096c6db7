"""What the mapping proof reports, and the words it reports it in."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" | "warning"
    code: str
    message: str
    target: str = ""
    source: str = ""
    rule: int | None = None


def has_errors(problems):
    return any(problem.severity == "error" for problem in problems)


def system_label(name):
    return {
        "number": _("Application number"),
        "submitted_at": _("Submission date and time"),
        "submitted_on": _("Submission date"),
        "region_code": _("Region code"),
        "form_version": _("Form version"),
        "service_code": _("Service code"),
    }.get(name, name)


def transform_label(kind):
    return {
        "date_format": _("Date format"),
        "join": _("Join into one line"),
        "split": _("Split into a list"),
        "digits_only": _("Digits only"),
        "upper": _("Upper case"),
        "to_integer": _("To an integer"),
        "to_number": _("To a number"),
        "lookup": _("Code lookup"),
    }.get(kind, kind)


def type_name(kind):
    names = {
        "string": _("text"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "boolean": _("yes or no"),
        "object": _("an object"),
        "array": _("a list"),
        "null": _("an empty value (null)"),
    }
    if isinstance(kind, list | tuple):
        return _(" or ").join(names.get(k, str(k)) for k in kind)
    return names.get(kind, _("a value of unknown kind"))


def capitalised(text):
    return text[:1].upper() + text[1:]
