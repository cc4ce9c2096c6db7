"""The JSON Schema validator of a FormSchema, with our formats and keywords.

Checksums, strict dates and date bounds run inside the schema (formats ``ru-snils``,
``ru-inn``, ``ru-ogrn``, ``ru-bank-account``, keywords ``x-date``, ``x-decimal-places``,
``x-passport-birth-date``) with the same functions the Django fields use, so the schema and
the step forms accept exactly the same answers.
"""

import decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from jsonschema import FormatChecker, validators
from jsonschema.exceptions import ValidationError as SchemaError

from constructor.formbuilder import identifiers
from constructor.formbuilder.dates import check_date_bounds
from constructor.formbuilder.patterns import StrictPatternValidator

FORMAT_CHECKER = FormatChecker(formats=())


def _format(name, check):
    FORMAT_CHECKER.checks(name, raises=(ValidationError, ValueError))(check)


def _strict_date(value):
    if isinstance(value, str):
        identifiers.parse_iso_date(value)
    return True


def _string_check(check):
    def run(value):
        if isinstance(value, str) and check(value) != value:
            raise ValidationError(gettext("Enter the value without separators."))
        return True

    return run


_format("date", _strict_date)
_format("email", lambda value: not isinstance(value, str) or validate_email(value) or True)
_format("ru-snils", _string_check(identifiers.validate_snils))
_format("ru-inn", _string_check(identifiers.validate_inn))
_format("ru-ogrn", _string_check(identifiers.validate_ogrn))
_format(
    "ru-bank-account",
    lambda value: not isinstance(value, dict) or identifiers.check_bank_account(value),
)


def _x_date(validator, bounds, instance, schema):
    if not isinstance(instance, str):
        return
    try:
        check_date_bounds(identifiers.parse_iso_date(instance), bounds)
    except ValueError:
        return  # the "date" format reports it
    except ValidationError as error:
        yield SchemaError(error.messages[0])


def _x_decimal_places(validator, places, instance, schema):
    if isinstance(instance, float) and not isinstance(instance, bool):
        exponent = decimal.Decimal(repr(instance)).as_tuple().exponent
        if exponent < -places:
            yield SchemaError(
                gettext("Use no more than %(n)s digits after the decimal point.") % {"n": places}
            )


def _x_passport_birth_date(validator, checks, instance, schema):
    if not isinstance(instance, dict):
        return
    for check in checks:
        passport, birth = instance.get(check["passport"]), instance.get(check["birth_date"])
        if not isinstance(passport, dict) or not isinstance(birth, str):
            continue
        try:
            identifiers.validate_passport_issue_date(
                identifiers.parse_iso_date(passport["issue_date"]),
                identifiers.parse_iso_date(birth),
            )
        except (KeyError, ValueError):
            continue
        except ValidationError as error:
            yield SchemaError(error.messages[0], path=[check["passport"], "issue_date"])


FormValidator = validators.extend(
    StrictPatternValidator,
    {
        "x-date": _x_date,
        "x-decimal-places": _x_decimal_places,
        "x-passport-birth-date": _x_passport_birth_date,
    },
)


def make_validator(json_schema):
    return FormValidator(json_schema, format_checker=FORMAT_CHECKER)


GENERIC_MESSAGES = {
    "required": _("This field is required."),
    "type": _("Enter a value of the right kind."),
    "enum": _("Select one of the offered options."),
    "const": _("This value is not allowed here."),
    "pattern": _("Enter the value in the format shown in the hint."),
    "minLength": _("This field is required."),
    "maxLength": _("The text is too long."),
    "minimum": _("The number is too small."),
    "maximum": _("The number is too large."),
    "minItems": _("Add more items."),
    "maxItems": _("Too many items."),
    "uniqueItems": _("Each option can be chosen once."),
    "additionalProperties": _("This answer is not part of the form."),
    "not": _("This answer must be left out: the question is not shown."),
}


def pointer(path):
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in path)


def schema_errors(validator, answers):
    """[(JSON pointer, message)] for every error, sorted for stable output."""
    problems = []
    for error in validator.iter_errors(answers):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [key for key in error.validator_value if key not in error.instance]
            path += missing[:1]
        if error.validator == "not" and isinstance(error.validator_value, dict):
            path += error.validator_value.get("required", [])[:1]
        if error.validator == "format" and error.cause is not None:
            cause = error.cause
            message = cause.messages[0] if isinstance(cause, ValidationError) else str(cause)
            if isinstance(cause, ValueError):
                message = gettext("Enter a real date as YYYY-MM-DD.")
        elif error.validator in GENERIC_MESSAGES:
            message = str(GENERIC_MESSAGES[error.validator])
        else:
            message = error.message
        problems.append((pointer(path), message))
    return sorted(set(problems))


_VALIDATORS = {}


def compiled_validator(version):
    """One compiled validator per version: schemas are immutable, so the cache never goes stale."""
    key = (version.pk, version.content_hash)
    validator = _VALIDATORS.get(key)
    if validator is None:
        validator = _VALIDATORS[key] = make_validator(version.json_schema)
    return validator


def validate_answers(version, answers):
    """[(JSON pointer, message)] of everything wrong with the whole answer; [] when it is fine.

    The schema's formats and keywords run the same validators as the step forms
    (checksums, date bounds, the passport's 14th birthday), so nothing else is needed.
    """
    return schema_errors(compiled_validator(version), answers)
