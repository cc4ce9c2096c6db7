"""Russian identifiers: checksums per DOMAIN.md, normalisation, clear messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from constructor.formbuilder import identifiers


def ogrnip_with_remainder(remainder):
    body = 30450000000000
    while body % 13 != remainder:
        body += 1
    return f"{body}{remainder % 10}"


@pytest.mark.parametrize("value", ["112-233-445 95", "11223344595", "001-001-998 00"])
def test_valid_snils_is_normalised_to_digits(value):
    assert identifiers.validate_snils(value) == value.replace("-", "").replace(" ", "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("112-233-445 96", "check number does not match"),
        ("1122334459", "11 digits"),
        ("112-233-445 9a", "11 digits"),
    ],
)
def test_invalid_snils_says_what_is_wrong(value, message):
    with pytest.raises(ValidationError, match=message):
        identifiers.validate_snils(value)


@pytest.mark.parametrize(
    ("first_nine", "check"),
    [("000000091", 19), ("920000003", 0), ("920000004", 0), ("920000005", 1), ("999999999", 1)],
)
def test_snils_check_number_rules(first_nine, check):
    # Sums below 100 are the check; 100 and 101 give 00; above, the sum mod 101 (100 -> 00).
    assert identifiers.snils_check_number(first_nine) == check


def test_inn_personal_and_company_check_digits():
    company = "770708389"
    company += stdnum_inn.calc_company_check_digit(company)
    person = "5001234567"
    person += stdnum_inn.calc_personal_check_digits(person)
    assert identifiers.validate_inn(company, "organisation") == company
    assert identifiers.validate_inn(person, "individual") == person
    with pytest.raises(ValidationError, match="12 digits"):
        identifiers.validate_inn(company, "individual")
    broken = person[:-1] + str((int(person[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="check digits"):
        identifiers.validate_inn(broken)


@pytest.mark.parametrize("remainder", [10, 11, 12])
def test_ogrnip_whose_remainder_is_ten_or_more_is_valid(remainder):
    number = ogrnip_with_remainder(remainder)
    assert not stdnum_ogrn.is_valid(number)  # the stdnum 2.2 bug DOMAIN.md describes
    assert identifiers.validate_ogrn(number) == number


def test_ogrn_check_digit():
    assert identifiers.validate_ogrn("1027700132195") == "1027700132195"
    with pytest.raises(ValidationError, match="check digit"):
        identifiers.validate_ogrn("1027700132196")
    with pytest.raises(ValidationError, match="13 digits"):
        identifiers.validate_ogrn("10277001321")
    number = ogrnip_with_remainder(5)
    with pytest.raises(ValidationError, match="check digit"):
        identifiers.validate_ogrn(number[:-1] + "6")


@pytest.mark.parametrize(
    "value",
    ["8 (912) 345-67-89", "+7 912 345 67 89", "+7(912)3456789", "89123456789", "9123456789"],
)
def test_phone_formats_are_normalised(value):
    assert identifiers.normalise_phone(value) == "+79123456789"


@pytest.mark.parametrize(
    "value", ["+1 912 345 67 89", "8 912 345 67", "телефон", "+7 912 345 67 890"]
)
def test_bad_phones_are_rejected(value):
    with pytest.raises(ValidationError):
        identifiers.normalise_phone(value)


def test_passport_issue_date_rules():
    today = datetime.date.today()
    with pytest.raises(ValidationError, match="future"):
        identifiers.validate_passport_issue_date(today + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="14"):
        identifiers.validate_passport_issue_date(
            datetime.date(2010, 1, 1), birth_date=datetime.date(2000, 6, 1)
        )
    assert identifiers.validate_passport(
        "45 08", "123456", datetime.date(2015, 3, 1), "770001", datetime.date(2000, 6, 1)
    ) == {
        "series": "4508",
        "number": "123456",
        "issue_date": datetime.date(2015, 3, 1),
        "issuer_code": "770-001",
    }


@pytest.mark.parametrize(("value", "ok"), [("248000", True), ("248 000", True), ("24800", False)])
def test_postcode(value, ok):
    if ok:
        assert identifiers.validate_postcode(value) == "248000"
    else:
        with pytest.raises(ValidationError, match="6 digits"):
            identifiers.validate_postcode(value)
