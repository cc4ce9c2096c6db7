"""Russian identifiers and their checks: SNILS, INN, OGRN/OGRNIP, passport, phone, postcode.

Each ``validate_*`` function takes what a person typed, raises ``ValidationError`` with a
message that says what to fix, and returns the normalised value that we store.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn

# Separators people type inside numbers: spaces (also non-breaking), hyphens, dots, brackets.
SEPARATORS = re.compile(r"[\s\-.()\u00a0\u2010-\u2015]")
# The SNILS check applies only to numbers above 001-001-998 (DOMAIN.md).
SNILS_CHECKED_FROM = 1001998


def _digits(value, separators=SEPARATORS):
    return separators.sub("", str(value or "").strip())


def snils_check_number(first_nine):
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(9, 0, -1), strict=False)
    )
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    return total % 101 % 100


def validate_snils(value):
    digits = _digits(value)
    if not re.fullmatch(r"\d{11}", digits):
        raise ValidationError(
            _("Enter the SNILS as 11 digits, e.g. 123-456-789 01."), code="snils_format"
        )
    if int(digits[:9]) > SNILS_CHECKED_FROM and snils_check_number(digits[:9]) != int(digits[9:]):
        raise ValidationError(
            _("The SNILS check number does not match: check the last two digits."),
            code="snils_checksum",
        )
    return digits


INN_KINDS = {"individual": (12,), "organisation": (10,), "any": (10, 12)}


def validate_inn(value, kind="any"):
    digits = _digits(value)
    lengths = INN_KINDS.get(kind, INN_KINDS["any"])
    if not digits.isdigit() or len(digits) not in lengths:
        messages = {
            "individual": _("A personal INN is 12 digits."),
            "organisation": _("An organisation's INN is 10 digits."),
            "any": _("An INN is 10 digits for an organisation or 12 for a person."),
        }
        raise ValidationError(messages.get(kind, messages["any"]), code="inn_format")
    try:
        stdnum_inn.validate(digits)
    except StdnumError:
        raise ValidationError(
            _("The INN check digits do not match: check the number."), code="inn_checksum"
        ) from None
    return digits


def ogrn_check_digit(digits):
    """The last digit of an OGRN (13) or OGRNIP (15).

    stdnum 2.2 omits the final ``mod 10`` for OGRNIP, rejecting valid numbers whose remainder
    is 10, 11 or 12, so the rule is implemented here.
    """
    body = int(digits[:-1])
    modulus = 11 if len(digits) == 13 else 13
    return body % modulus % 10


def validate_ogrn(value):
    digits = _digits(value)
    if not digits.isdigit() or len(digits) not in (13, 15):
        raise ValidationError(
            _("An OGRN is 13 digits, an OGRNIP is 15 digits."), code="ogrn_format"
        )
    if digits[0] == "0":
        raise ValidationError(
            _("An OGRN cannot start with 0: check the number."), code="ogrn_format"
        )
    if ogrn_check_digit(digits) != int(digits[-1]):
        raise ValidationError(
            _("The OGRN check digit does not match: check the last digit."),
            code="ogrn_checksum",
        )
    return digits


def validate_passport_series(value):
    digits = _digits(value)
    if not re.fullmatch(r"\d{4}", digits):
        raise ValidationError(_("The passport series is 4 digits."), code="passport_series")
    return digits


def validate_passport_number(value):
    digits = _digits(value)
    if not re.fullmatch(r"\d{6}", digits):
        raise ValidationError(_("The passport number is 6 digits."), code="passport_number")
    return digits


def validate_issuer_code(value):
    digits = _digits(value)
    if not re.fullmatch(r"\d{6}", digits):
        raise ValidationError(
            _("Enter the issuer code as on the passport: NNN-NNN."), code="issuer_code"
        )
    return f"{digits[:3]}-{digits[3:]}"


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def validate_passport_issue_date(issue_date, birth_date=None, today=None):
    today = today or timezone.localdate()
    if issue_date > today:
        raise ValidationError(
            _("The passport issue date cannot be in the future."), code="passport_future"
        )
    if birth_date is not None and issue_date < add_years(birth_date, 14):
        raise ValidationError(
            _("A passport is issued at 14 or later: check the issue date and the birth date."),
            code="passport_before_14",
        )
    return issue_date


def validate_passport(series, number, issue_date, issuer_code, birth_date=None):
    """The whole passport; returns the normalised parts as a dict."""
    return {
        "series": validate_passport_series(series),
        "number": validate_passport_number(number),
        "issue_date": validate_passport_issue_date(issue_date, birth_date),
        "issuer_code": validate_issuer_code(issuer_code),
    }


def normalise_phone(value):
    """``8 (912) 345-67-89``, ``+7 912 345 67 89``, ``9123456789`` -> ``+79123456789``."""
    raw = str(value or "").strip()
    digits = _digits(raw)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("7"):
            raise ValidationError(
                _("Enter a Russian phone number starting with +7 or 8."), code="phone_country"
            )
    if not digits.isdigit():
        raise ValidationError(
            _("Enter the phone number with digits only, e.g. +7 912 345-67-89."),
            code="phone_format",
        )
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10:
        raise ValidationError(
            _("A Russian phone number has 10 digits after +7, e.g. +7 912 345-67-89."),
            code="phone_length",
        )
    return "+7" + digits


def validate_postcode(value):
    digits = _digits(value)
    if not re.fullmatch(r"\d{6}", digits):
        raise ValidationError(_("The postcode is 6 digits."), code="postcode")
    return digits


def parse_iso_date(value):
    """A strict ``YYYY-MM-DD`` (``date.fromisoformat`` also takes week dates and ``20240101``)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(value)
    return datetime.date.fromisoformat(value)


CADASTRAL_PATTERN = r"^\d{2}:\d{2}:\d{6,7}:\d+$"
CADASTRAL_MAX_LENGTH = 40


def validate_cadastral_number(value):
    """``71:30:030217:123``: district, area, quarter (6 or 7 digits), object number."""
    text = re.sub(r"\s", "", str(value or ""))
    if not re.fullmatch(CADASTRAL_PATTERN, text) or len(text) > CADASTRAL_MAX_LENGTH:
        raise ValidationError(
            _(
                "Enter the cadastral number as four groups of digits separated by colons, "
                "e.g. 71:30:030217:123."
            ),
            code="cadastral_format",
        )
    return text


def validate_bik(value):
    digits = _digits(value)
    if not re.fullmatch(r"\d{9}", digits):
        raise ValidationError(_("The BIK is 9 digits, e.g. 042908612."), code="bik_format")
    return digits


def validate_account(value):
    digits = _digits(value)
    if not re.fullmatch(r"\d{20}", digits):
        raise ValidationError(
            _("The account number is 20 digits, e.g. 40817 810 0 0000 1234567."),
            code="account_format",
        )
    return digits


ACCOUNT_WEIGHTS = ((7, 1, 3) * 8)[:23]


def account_key_matches(bik, account):
    """The Bank of Russia control key: BIK-derived prefix + account, weights 7-1-3, sum % 10 == 0.

    The prefix is the BIK's last three digits, or "0" and its 5th-6th digits for an account
    held at a Bank of Russia settlement centre (BIK ending in 000, 001 or 002).
    """
    prefix = "0" + bik[4:6] if bik[6:9] in ("000", "001", "002") else bik[6:9]
    digits = prefix + account
    return sum(int(d) * w for d, w in zip(digits, ACCOUNT_WEIGHTS, strict=True)) % 10 == 0


def check_bank_account(value):
    """The format ``ru-bank-account`` and the step form's check of a whole answer."""
    bik, account = value.get("bik"), value.get("account")
    if (
        isinstance(bik, str)
        and isinstance(account, str)
        and re.fullmatch(r"\d{9}", bik)
        and re.fullmatch(r"\d{20}", account)
        and not account_key_matches(bik, account)
    ):
        raise ValidationError(
            _("The account number does not match the BIK: check both against your bank's details."),
            code="account_key",
        )
    return True
