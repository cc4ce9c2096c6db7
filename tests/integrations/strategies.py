"""Hypothesis strategies for the mapping checker's soundness proof (issue 4).

* ``valid_answers(form_schema)``: answers the FormVersion accepts, drawn field by field in form
  order (hidden fields left out, optional ones present or absent), then filtered through the
  real FormSchema validator (``validation.make_validator``), so only truly valid answers reach
  the property.
* ``form_streams()``: raw ``application_form`` streams of random field types, options,
  conditions and repeatable groups, editor-valid (``check_form`` finds nothing).
* ``triples()``: a generated form, an agency payload schema and a mapping (raw
  ``payload_mapping`` stream). The schema is derived from the mapping's sources: each target
  gets a schema that the source should satisfy after its transforms, and with a small
  probability one constraint is tightened past what the source guarantees (``Triple.broken``)
  so that the checker has something to refuse.
* ``system_contexts()``: the system values of a submitted application.
"""

import datetime
import itertools
import math
import string
from dataclasses import dataclass, field

from django.utils import timezone
from hypothesis import strategies as st
from stdnum.ru import inn as stdnum_inn

from constructor.formbuilder import identifiers
from constructor.formbuilder.compiler import canonical_json, compile_form
from constructor.formbuilder.conditions import is_visible
from constructor.formbuilder.validation import make_validator, schema_errors
from tests.formbuilder import helpers

# ---------------------------------------------------------------------------------------------
# Validating answers with the FormVersion's own validator construction
# ---------------------------------------------------------------------------------------------

_VALIDATORS = {}


def form_validator(form_schema):
    """The validator ``validate_answers`` uses for a FormVersion of this schema (cached)."""
    key = canonical_json(form_schema["json_schema"])
    validator = _VALIDATORS.get(key)
    if validator is None:
        if len(_VALIDATORS) > 500:
            _VALIDATORS.clear()
        validator = _VALIDATORS[key] = make_validator(form_schema["json_schema"])
    return validator


def answer_errors(form_schema, answers):
    """``validate_answers`` without a saved FormVersion: [(pointer, message)]."""
    return schema_errors(form_validator(form_schema), answers)


# ---------------------------------------------------------------------------------------------
# Answer values, one strategy per field type
# ---------------------------------------------------------------------------------------------

CYRILLIC_LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
CYRILLIC = CYRILLIC_LOWER + CYRILLIC_LOWER.upper()
TEXT_CHARS = CYRILLIC + "abcxyzQW0123456789" + " .,-№«»()/:;'\"!?%"
TEXTAREA_CHARS = TEXT_CHARS + "\n\t"
DIGITS = string.digits


def today():
    return timezone.localdate()


def digit_string(length):
    return st.text(alphabet=DIGITS, min_size=length, max_size=length)


@st.composite
def pattern_digits(draw, length):
    """Digits for a ``\\d`` pattern: ASCII only, as in ECMA-262 (formbuilder/patterns.py)."""
    return draw(digit_string(length))


@st.composite
def text_value(draw, max_length, multiline=False):
    """A stripped one-line (or multi-line) text of 1..max_length characters, often at the limit."""
    chars = TEXTAREA_CHARS if multiline else TEXT_CHARS
    length = draw(st.one_of(st.integers(1, min(max_length, 24)), st.just(max_length), st.just(1)))
    chunk = draw(st.text(alphabet=chars, min_size=1, max_size=min(length, 24)))
    value = list((chunk * (length // len(chunk) + 1))[:length])
    if value[0].isspace():
        value[0] = "Я"
    if value[-1].isspace():
        value[-1] = "я"
    value = "".join(value)
    return value


@st.composite
def with_final_newline(draw, strategy):
    """The value as it is: a final newline no longer passes a ``$`` (formbuilder/patterns.py)."""
    return draw(strategy)


NAME_WORD = st.text(alphabet=CYRILLIC, min_size=1, max_size=12)


@st.composite
def name_value(draw):
    """A name part as in a passport: Cyrillic words joined by a space, hyphen or apostrophe."""
    if draw(st.integers(0, 9)) == 0:  # a long one, up to the form's 100 characters
        value = "Ё" + "ё" * (draw(st.integers(40, 100)) - 1)
        return value
    words = draw(st.lists(NAME_WORD, min_size=1, max_size=3))
    separators = draw(st.lists(st.sampled_from(" -'’"), min_size=2, max_size=2))
    value = words[0]
    for word, separator in zip(words[1:], separators, strict=False):
        value += separator + word
    return value


@st.composite
def number_value(draw, options):
    low, high = options.get("min"), options.get("max")
    if options.get("kind", "integer") == "integer":
        low = -(10**9) if low is None else math.ceil(low)
        high = 10**9 if high is None else math.floor(high)
        return draw(st.integers(low, high))
    low_cents = -(10**10) if low is None else math.ceil(round(low * 100, 6))
    high_cents = 10**10 if high is None else math.floor(round(high * 100, 6))
    cents = draw(st.integers(low_cents, high_cents))
    if cents % 100 == 0:
        return cents // 100  # canonical: a whole decimal is a JSON integer
    return round(cents / 100, 2)


def date_range(options, earliest=None):
    """The dates the bounds allow (relative ones against today)."""
    day = today()
    low, high = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)
    if options.get("min"):
        low = max(low, identifiers.parse_iso_date(options["min"]))
    if options.get("max"):
        high = min(high, identifiers.parse_iso_date(options["max"]))
    if options.get("relative") == "not_future":
        high = min(high, day)
    if options.get("relative") == "not_past":
        low = max(low, day)
    if options.get("min_age"):
        high = min(high, identifiers.add_years(day, -options["min_age"]))
    if earliest is not None:
        low = max(low, earliest)
    return low, high


def date_value(options, earliest=None):
    low, high = date_range(options, earliest)
    if low > high:
        return st.nothing()
    bounds = st.sampled_from([low, high])
    usual_low, usual_high = (
        max(low, datetime.date(1950, 1, 1)),
        min(high, datetime.date(2035, 1, 1)),
    )
    usual = st.dates(usual_low, usual_high) if usual_low <= usual_high else bounds
    return st.one_of(usual, st.dates(low, high), bounds).map(lambda day: day.isoformat())


@st.composite
def snils_value(draw):
    body = draw(pattern_digits(9))
    if int(body) > identifiers.SNILS_CHECKED_FROM:
        check = identifiers.snils_check_number(body)
    else:
        check = draw(st.integers(0, 99))
    return f"{body}{check:02d}"


@st.composite
def inn_value(draw, kind="any"):
    if kind == "any":
        kind = draw(st.sampled_from(["individual", "organisation"]))
    if kind == "individual":
        body = draw(digit_string(10))
        return body + stdnum_inn.calc_personal_check_digits(body)
    body = draw(digit_string(9))
    return body + stdnum_inn.calc_company_check_digit(body)


@st.composite
def ogrn_value(draw):
    length = draw(st.sampled_from([13, 15]))
    body = draw(st.sampled_from("123456789")) + draw(digit_string(length - 2))
    return body + str(identifiers.ogrn_check_digit(body + "0"))


@st.composite
def email_value(draw, max_length=254):
    if draw(st.integers(0, 7)) == 0:  # a long address, near the limit
        local = "x" * draw(st.integers(1, 64))
        labels = [
            draw(st.sampled_from(string.ascii_lowercase)) * draw(st.integers(1, 60))
            for _label in range(3)
        ]
        value = f"{local}@{'.'.join(labels)}.ru"
        if len(value) > max_length:
            value = f"{local[: max(max_length - 10, 1)]}@mail.ru"
        return value
    local = draw(st.text(alphabet=string.ascii_lowercase + DIGITS, min_size=1, max_size=16)) + draw(
        st.sampled_from(["", ".petrov", "_1", "-ivanova"])
    )
    domain = draw(st.sampled_from(["mail.ru", "yandex.ru", "example.com", "kaluga.gov.ru"]))
    return f"{local}@{domain}"


def phone_value():
    return with_final_newline(pattern_digits(10).map(lambda digits: "+7" + digits))


@st.composite
def passport_value(draw, birth=None):
    earliest = datetime.date(1970, 1, 1)
    if isinstance(birth, str):
        earliest = identifiers.add_years(identifiers.parse_iso_date(birth), 14)
    issued = draw(date_value({"relative": "not_future"}, earliest))
    code = draw(digit_string(6))
    return {
        "series": draw(with_final_newline(pattern_digits(4))),
        "number": draw(with_final_newline(pattern_digits(6))),
        "issue_date": issued,
        "issuer_code": draw(with_final_newline(st.just(f"{code[:3]}-{code[3:]}"))),
    }


@st.composite
def cadastral_value(draw):
    """``71:30:030217:123``: district, area, quarter (6 or 7 digits), object number."""
    quarter = draw(st.sampled_from([6, 7]))
    number = draw(st.integers(1, 40 - 7 - quarter))
    value = (
        f"{draw(pattern_digits(2))}:{draw(pattern_digits(2))}:{draw(pattern_digits(quarter))}:"
        f"{draw(pattern_digits(number))}"
    )
    return value


@st.composite
def bank_account_value(draw):
    """A BIK and an account whose control key (its 9th digit) matches the BIK."""
    bik = draw(pattern_digits(9))
    account = draw(pattern_digits(20))
    # The Bank of Russia key: weights 7, 1, 3 over the BIK-derived prefix and the account.
    prefix = "0" + bik[4:6] if bik[6:9] in ("000", "001", "002") else bik[6:9]
    digits = prefix + account[:8] + "0" + account[9:]
    total = sum(int(digit) * (7, 1, 3)[index % 3] for index, digit in enumerate(digits))
    key = (-total * 7) % 10  # the key's weight is 3, and 3 * 7 = 21 = 1 (mod 10)
    account = account[:8] + str(key) + account[9:]
    return {"bik": bik, "account": account}


@st.composite
def full_name_value(draw):
    value = {"surname": draw(name_value()), "given_name": draw(name_value())}
    if draw(st.booleans()):
        value["patronymic"] = draw(name_value())
    return value


@st.composite
def address_value(draw):
    value = {
        "postcode": draw(with_final_newline(pattern_digits(6))),
        "region": draw(text_value(100)),
        "locality": draw(text_value(100)),
        "street": draw(text_value(100)),
        "house": draw(text_value(20)),
    }
    if draw(st.booleans()):
        value["flat"] = draw(text_value(20))
    return value


@st.composite
def file_value(draw, options):
    names = {"application/pdf": "скан.pdf", "image/jpeg": "фото.jpg", "image/png": "фото.png"}
    files = []
    for index in range(draw(st.integers(1, options["max_files"]))):
        content_type = draw(st.sampled_from(options["content_types"]))
        files.append(
            {
                "id": f"file{index}" + draw(st.text(alphabet="abcdef0123456789", max_size=8)),
                "name": names[content_type],
                "size": draw(st.integers(1, options["max_size"])),
                "content_type": content_type,
            }
        )
    return files


@st.composite
def group_value(draw, field):
    options = field["options"]
    children = options["fields"]
    items = []
    count = draw(st.integers(max(options["min_items"], 1), options["max_items"]))
    for _index in range(count):
        item = {}
        for child in children:
            if child["required"] or draw(st.booleans()):
                item[child["key"]] = draw(answer_value(child, {}))
        if not item:  # an item has at least one answer (the form drops empty rows)
            item[children[0]["key"]] = draw(answer_value(children[0], {}))
        items.append(item)
    return items


def answer_value(field, answers):
    """A strategy for one visible field's answer, given the answers before it."""
    kind, options = field["type"], field["options"]
    if kind in ("text", "textarea"):
        return text_value(options["max_length"], multiline=kind == "textarea")
    if kind == "number":
        return number_value(options)
    if kind == "date":
        return date_value(options)
    if kind == "choice":
        codes = [choice["code"] for choice in options["choices"]]
        if options["widget"] == "checkboxes":
            return st.lists(st.sampled_from(codes), min_size=1, unique=True).map(sorted)
        return st.sampled_from(codes)
    if kind == "yes_no":
        return st.booleans()
    if kind == "consent":
        return st.just(True)
    if kind == "email":
        return email_value(options.get("max_length") or 254)
    if kind == "phone":
        return phone_value()
    if kind == "snils":
        return snils_value()
    if kind == "inn":
        return inn_value(options.get("kind", "any"))
    if kind == "ogrn":
        return ogrn_value()
    if kind == "passport":
        birth_key = options.get("birth_date_field")
        return passport_value(answers.get(birth_key) if birth_key else None)
    if kind == "full_name":
        return full_name_value()
    if kind == "address":
        return address_value()
    if kind == "cadastral_number":
        return cadastral_value()
    if kind == "bank_account":
        return bank_account_value()
    if kind == "file":
        return file_value(options)
    if kind == "group":
        return group_value(field)
    raise ValueError(f"no answer strategy for field type {kind!r}")


@st.composite
def raw_answers(draw, form_schema):
    """Answers in form order: hidden steps and fields absent, optional ones maybe absent."""
    answers = {}
    for step in form_schema["layout"]["steps"]:
        if not is_visible(step.get("condition"), answers):
            continue
        for field_ in step["fields"]:
            key = field_["key"]
            if not key or not is_visible(field_.get("condition"), answers):
                continue
            if not field_["required"] and not draw(st.booleans()):
                continue
            answers[key] = draw(answer_value(field_, answers))
    return answers


def valid_answers(form_schema):
    """Answers the FormVersion of ``form_schema`` accepts (checked by its real validator)."""
    return raw_answers(form_schema).filter(lambda answers: not answer_errors(form_schema, answers))


# ---------------------------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------------------------

TOP_TYPES = [
    "text",
    "text",
    "textarea",
    "number",
    "number",
    "date",
    "date",
    "choice",
    "choice",
    "choice",
    "yes_no",
    "yes_no",
    "email",
    "phone",
    "snils",
    "inn",
    "ogrn",
    "passport",
    "full_name",
    "full_name",
    "address",
    "cadastral_number",
    "bank_account",
    "consent",
    "group",
    "group",
    "file",
    "info",
]
NESTED_TYPES = [
    "text",
    "text",
    "number",
    "date",
    "date",
    "choice",
    "yes_no",
    "email",
    "phone",
    "snils",
    "inn",
    "full_name",
    "address",
    "passport",
    "cadastral_number",
    "bank_account",
]
CODE_POOL = ["a", "b", "c", "first", "lost", "ds_15", "ds-42", "x1", "none", "other"]
TEXT_LIMITS = [None, None, 1, 6, 12, 30, 60, 100, 255]
TEXTAREA_LIMITS = [None, 20, 300, 1000]
INTEGER_BOUNDS = [(None, None), (0, None), (1, 10), (-5, 5), (None, 100), (0, 10**6), (1900, 2100)]
DECIMAL_BOUNDS = [(None, None), (0, 100.5), (-1.25, 1.25), (0.01, 99999.99)]
DATE_OPTIONS = [
    {},
    {"relative": "not_future"},
    {"relative": "not_past"},
    {"min_age": 14},
    {"min_age": 18, "relative": "not_future"},
    {"min_date": "2000-01-01", "max_date": "2030-12-31"},
    {"min_date": "1950-01-01", "relative": "not_future"},
]


def choices_of(codes):
    return helpers.options(*codes)


@st.composite
def field_options(draw, type_, key, earlier, nested=False):
    """The type-specific options of a field block (raw block value parts)."""
    if type_ == "text":
        return {"max_length": draw(st.sampled_from(TEXT_LIMITS))}
    if type_ == "textarea":
        return {"max_length": draw(st.sampled_from(TEXTAREA_LIMITS))}
    if type_ == "number":
        kind = draw(st.sampled_from(["integer", "integer", "decimal"]))
        low, high = draw(st.sampled_from(INTEGER_BOUNDS if kind == "integer" else DECIMAL_BOUNDS))
        return {"kind": kind, "min_value": low, "max_value": high}
    if type_ == "date":
        return dict(draw(st.sampled_from(DATE_OPTIONS)))
    if type_ == "choice":
        widget = draw(st.sampled_from(["radio", "select", "checkboxes"]))
        codes = draw(st.lists(st.sampled_from(CODE_POOL), min_size=1, max_size=4, unique=True))
        return {"widget": widget, "choices": choices_of(codes)}
    if type_ == "inn":
        return {"kind": draw(st.sampled_from(["individual", "organisation", "any"]))}
    if type_ == "email":
        return {"max_length": draw(st.sampled_from([None, None, 100]))}
    if type_ == "consent":
        return {"text": "Я даю согласие на обработку персональных данных."}
    if type_ == "file":
        return {
            "allowed_types": draw(
                st.lists(st.sampled_from(["pdf", "jpeg", "png"]), min_size=1, unique=True)
            ),
            "max_size_mb": draw(st.integers(1, 5)),
            "max_files": draw(st.integers(1, 3)),
        }
    if type_ == "passport":
        births = [
            other_key
            for other_key, other_type, other in earlier
            if other_type == "date" and (other.get("min_age") or 0) >= 14
        ]
        if nested or not births or draw(st.booleans()):
            return {"birth_date_field": ""}
        return {"birth_date_field": draw(st.sampled_from(births))}
    if type_ == "group":
        low = draw(st.integers(0, 2))
        high = draw(st.integers(max(low, 1), 4))
        children = []
        for index in range(draw(st.integers(1, 3))):
            child_type = draw(st.sampled_from(NESTED_TYPES))
            child_key = f"{key}_{index}"
            children.append(
                helpers.field(
                    child_type,
                    child_key,
                    required=draw(st.sampled_from([True, True, False])),
                    **draw(field_options(child_type, child_key, [], nested=True)),
                )
            )
        return {"min_items": low, "max_items": high, "fields": children}
    return {}


@st.composite
def condition_on(draw, earlier):
    """A condition on one of the earlier (top-level) fields, with an operator that suits it."""
    key, type_, options = draw(st.sampled_from(earlier))
    if type_ == "yes_no":
        return helpers.when(key, draw(st.sampled_from(["is_true", "is_false", "filled"])))
    if type_ == "consent":
        return helpers.when(key, draw(st.sampled_from(["is_true", "filled"])))
    if type_ == "choice":
        codes = [item["value"]["code"] for item in options["choices"]]
        operator = draw(st.sampled_from(["equals", "not_equals", "one_of", "filled"]))
        if operator == "one_of":
            chosen = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
            return helpers.when(key, operator, ",".join(chosen))
        if operator == "filled":
            return helpers.when(key, operator)
        return helpers.when(key, operator, draw(st.sampled_from(codes)))
    if type_ == "number":
        operator = draw(st.sampled_from(["filled", "not_equals"]))
        return helpers.when(key, operator, "0" if operator == "not_equals" else "")
    return helpers.when(key, "filled")


@st.composite
def form_streams(draw, max_steps=3, max_fields=4):
    """A raw ``application_form`` stream: steps of random fields, conditions and groups."""
    keys = itertools.count()
    steps, earlier = [], []
    for step_index in range(draw(st.integers(1, max_steps))):
        step_condition = None
        if earlier and draw(st.integers(0, 4)) == 0:
            step_condition = draw(condition_on(list(earlier)))
        fields = []
        for _index in range(draw(st.integers(1, max_fields))):
            type_ = draw(st.sampled_from(TOP_TYPES))
            if type_ == "info":
                fields.append(helpers.info("Подготовьте документы заранее."))
                continue
            key = f"f{next(keys)}"
            options = draw(field_options(type_, key, earlier))
            condition = None
            if earlier and draw(st.integers(0, 3)) == 0:
                condition = draw(condition_on(list(earlier)))
            required = draw(st.sampled_from([True, True, False]))
            fields.append(
                helpers.field(type_, key, required=required, condition=condition, **options)
            )
            earlier.append((key, type_, options))
        steps.append(helpers.step(f"s{step_index}", *fields, condition=step_condition))
    return steps


# ---------------------------------------------------------------------------------------------
# Sources of a compiled form
# ---------------------------------------------------------------------------------------------

PATTERNS = {
    "phone": (r"^\+7\d{10}$", 12),
    "snils": (r"^\d{11}$", 11),
    "ogrn": (r"^\d{13}$|^\d{15}$", 15),
    "cadastral_number": (r"^\d{2}:\d{2}:\d{6,7}:\d+$", 40),
}
INN_PATTERNS = {
    "individual": (r"^\d{12}$", 12),
    "organisation": (r"^\d{10}$", 10),
    "any": (r"^\d{10}$|^\d{12}$", 12),
}
PART_KINDS = {
    "passport": {
        "series": ("pattern", r"^\d{4}$", 4),
        "number": ("pattern", r"^\d{6}$", 6),
        "issue_date": ("date",),
        "issuer_code": ("pattern", r"^\d{3}-\d{3}$", 7),
    },
    "full_name": {
        "surname": ("name", 100),
        "given_name": ("name", 100),
        "patronymic": ("name", 100),
    },
    "bank_account": {
        "bik": ("pattern", r"^\d{9}$", 9),
        "account": ("pattern", r"^\d{20}$", 20),
    },
    "address": {
        "postcode": ("pattern", r"^\d{6}$", 6),
        "region": ("text", 100),
        "locality": ("text", 100),
        "street": ("text", 100),
        "house": ("text", 20),
        "flat": ("text", 20),
    },
}
OPTIONAL_PARTS = {"patronymic", "flat"}


def value_kind(field_):
    """What a field's answer is, for deriving target schemas: a tuple, first item the kind."""
    type_, options = field_["type"], field_["options"]
    if type_ in ("text", "textarea"):
        return ("text", options["max_length"])
    if type_ == "number":
        return ("int" if options["kind"] == "integer" else "dec", options["min"], options["max"])
    if type_ == "date":
        return ("date",)
    if type_ == "choice":
        codes = tuple(choice["code"] for choice in options["choices"])
        return ("codes" if options["widget"] == "checkboxes" else "code", codes)
    if type_ in ("yes_no", "consent"):
        return ("bool", type_ == "consent")
    if type_ == "email":
        return ("email", options.get("max_length") or 254)
    if type_ in PATTERNS:
        return ("pattern", *PATTERNS[type_])
    if type_ == "inn":
        return ("pattern", *INN_PATTERNS[options.get("kind", "any")])
    if type_ in PART_KINDS:
        return ("object", type_)
    return ("other", type_)


def form_sources(form_schema):
    """Every mappable source: {"path", "kind", "guaranteed", "group", "group_field", ...}.

    ``guaranteed``: present in every valid answer (required, never hidden). For a nested
    field of a group, ``guaranteed`` is about the group's array and ``in_every_item`` about
    the value inside each item.
    """
    sources = []
    for step in form_schema["layout"]["steps"]:
        for field_ in step["fields"]:
            key = field_["key"]
            if not key or field_["type"] in ("file", "info"):
                continue
            guaranteed = field_["required"] and not step["condition"] and not field_["condition"]
            if field_["type"] == "group":
                sources.append(
                    {
                        "path": key,
                        "kind": ("group", key),
                        "guaranteed": guaranteed,
                        "in_every_item": True,
                        "group": None,
                        "field": field_,
                    }
                )
                for child in field_["options"]["fields"]:
                    sources += _field_sources(
                        child,
                        f"{key}.{child['key']}",
                        guaranteed,
                        group=field_,
                        in_every_item=child["required"],
                    )
                continue
            sources += _field_sources(field_, key, guaranteed)
    return sources


def _field_sources(field_, path, guaranteed, group=None, in_every_item=True):
    kind = value_kind(field_)
    if kind[0] == "other":
        return []
    base = {"group": group, "field": field_}
    out = [{"path": path, "kind": kind, "guaranteed": guaranteed, "in_every_item": in_every_item}]
    if kind[0] == "object":
        for part, part_kind in PART_KINDS[kind[1]].items():
            required = part not in OPTIONAL_PARTS
            out.append(
                {
                    "path": f"{path}.{part}",
                    "kind": part_kind,
                    "guaranteed": guaranteed and required,
                    "in_every_item": in_every_item and required,
                }
            )
    return [{**base, **source} for source in out]


# ---------------------------------------------------------------------------------------------
# Targets derived from a source: (transforms, target schema, broken?, default candidate)
# ---------------------------------------------------------------------------------------------


def transform(type_, **options):
    return {"type": type_, "value": options, "id": f"transform-{type_}"}


def lookup(pairs, fallback=""):
    table = [
        {"type": "item", "value": {"from": source, "to": target}, "id": f"pair-{index}"}
        for index, (source, target) in enumerate(pairs)
    ]
    return transform("lookup", table=table, fallback=fallback)


@dataclass
class Leaf:
    transforms: list
    schema: dict
    broken: bool = False
    default: str | None = None  # a default text that suits the target, if any


def chance(draw, percent):
    """True with about ``percent`` % probability.

    Hypothesis favours the ends of an integer range, so the window sits in the middle; it
    shrinks towards 0, i.e. towards False.
    """
    return 20 <= draw(st.integers(0, 99)) < 20 + percent


def maybe(draw, probability_in_ten=5):
    return chance(draw, probability_in_ten * 10)


def can_shorten(needed):
    return bool(needed) and needed > 1


def string_schema(draw, needed, broken):
    """A string target for values of up to ``needed`` characters (None: unbounded)."""
    schema = {"type": "string"}
    if broken and needed and needed > 1:
        schema["maxLength"] = draw(st.integers(1, needed - 1))
    elif needed and maybe(draw, 4):
        schema["maxLength"] = needed + draw(st.sampled_from([0, 0, 1, 50]))
    return schema


def fit_default(schema, text="нет"):
    limit = schema.get("maxLength")
    return text[:limit] if limit else text


@st.composite
def leaf_for(draw, kind, broken):
    """A target schema (and transforms) for a value of ``kind``; ``broken`` tightens it."""
    name = kind[0]
    if name in ("text", "name"):
        limit = kind[1]
        recipe = draw(
            st.sampled_from(
                ["plain", "plain", "plain", "upper", "upper", "split", "digits", "digits"]
                + ["digits_number"]  # refused: a text may hold no digit
            )
        )
        if recipe == "digits_number":
            # A text may hold no digit at all: nothing to turn into a number.
            to = draw(st.sampled_from(["to_integer", "to_number"]))
            schema = {"type": "integer" if to == "to_integer" else "number"}
            return Leaf([transform("digits_only"), transform(to)], schema, broken)
        if recipe == "split":
            items = string_schema(draw, limit, False)
            schema = {"type": "array", "items": items}
            if broken:
                schema["minItems"] = 1  # "," splits into nothing
            return Leaf([transform("split", separator=",")], schema, broken)
        transforms = {"plain": [], "upper": [transform("upper")], "digits": []}[recipe]
        if recipe == "digits":
            transforms = [transform("digits_only")]
        if broken and draw(st.booleans()):
            schema = {"type": "string", "pattern": r"^\d+$"}  # a text is no number
            return Leaf(transforms, schema, True)
        if recipe == "upper" and name == "text":
            limit *= 3  # a character may upper-case into three (ß -> SS)
        schema = string_schema(draw, limit, broken)
        if recipe != "digits" and maybe(draw, 3):
            schema["minLength"] = 1
        return Leaf(transforms, schema, broken and can_shorten(limit), fit_default(schema))
    if name in ("int", "dec"):
        low, high = kind[1], kind[2]
        recipe = draw(st.sampled_from(["plain", "plain", "to_number", "to_integer"]))
        if name == "dec" and recipe == "to_integer":
            recipe = "plain"
        transforms = {"plain": [], "to_number": [transform("to_number")]}.get(
            recipe, [transform("to_integer")]
        )
        type_ = "integer" if name == "int" and draw(st.booleans()) else "number"
        if recipe == "to_number":
            type_ = "number"
        schema = {"type": type_}
        if broken:
            which = draw(st.sampled_from(["type", "minimum", "maximum"]))
            if which == "type":
                schema = {"type": "string"} if name == "int" else {"type": "integer"}
            elif which == "minimum":
                schema["minimum"] = (low if low is not None else -(10**9)) + 1
            else:
                schema["maximum"] = (high if high is not None else 10**9) - 1
            return Leaf(transforms, schema, True)
        if low is not None and maybe(draw):
            if chance(draw, 30):
                schema["exclusiveMinimum"] = math.floor(low) - 1
            else:
                schema["minimum"] = math.floor(low) - draw(st.sampled_from([0, 1]))
        if high is not None and maybe(draw):
            schema["maximum"] = math.ceil(high) + draw(st.sampled_from([0, 10]))
        if type_ == "integer" and chance(draw, 10):
            schema["multipleOf"] = 1
        if chance(draw, 10):
            schema["type"] = [schema["type"], "null"]
        return Leaf(transforms, schema)
    if name == "date":
        recipe = draw(st.sampled_from(["iso", "iso", "iso_format", "dotted", "compact", "plain"]))
        transforms, schema = {
            "iso": ([], {"type": "string", "format": "date"}),
            "iso_format": (
                [transform("date_format", format="%Y-%m-%d")],
                {"type": "string", "format": "date"},
            ),
            "dotted": (
                [transform("date_format", format="%d.%m.%Y")],
                {"type": "string", "pattern": r"^\d{2}\.\d{2}\.\d{4}$"},
            ),
            "compact": (
                [transform("date_format", format="%Y%m%d")],
                {"type": "string", "pattern": r"^\d{8}$"},
            ),
            "plain": ([], {"type": "string"}),
        }[recipe]
        if broken:
            if recipe == "dotted":
                schema = {"type": "string", "format": "date"}
            else:
                schema = {**schema, "maxLength": 8 if recipe != "compact" else 7}
        return Leaf(
            transforms, schema, broken, "2000-01-01" if recipe in ("iso", "plain") else None
        )
    if name == "code":
        codes = list(kind[1])
        recipe = draw(st.sampled_from(["enum", "enum", "lookup", "fallback", "plain"]))
        if recipe == "plain":
            longest = max(map(len, codes))
            return Leaf([], string_schema(draw, longest, broken), broken and can_shorten(longest))
        if recipe == "enum":
            enum = list(codes)
            if broken:
                enum.remove(draw(st.sampled_from(codes)))
            enum += draw(st.lists(st.sampled_from(["99", "zz"]), unique=True))
            schema = {"type": "string", "enum": enum or ["zz"]}
            return Leaf([], schema, broken, None if broken else codes[0])
        agency = [f"{index + 1:02d}" for index in range(len(codes))]
        pairs = list(zip(codes, agency, strict=True))
        if recipe == "fallback" and len(pairs) > 1:
            pairs = pairs[:-1]
            fallback = "" if broken else "99"
            return Leaf(
                [lookup(pairs, fallback)], {"type": "string", "enum": [*agency[:-1], "99"]}, broken
            )
        enum = agency[:-1] if broken and len(agency) > 1 else agency
        broken = broken and len(agency) > 1
        return Leaf([lookup(pairs)], {"type": "string", "enum": enum}, broken)
    if name == "codes":
        codes = list(kind[1])
        recipe = draw(st.sampled_from(["array", "array", "lookup", "lookup_many", "join"]))
        if recipe == "lookup_many":
            # Several form codes onto one agency code (or the fallback): duplicates in the list.
            pairs = [(code, "01") for code in codes[: draw(st.integers(1, len(codes)))]]
            fallback = draw(st.sampled_from(["", "99"]))
            schema = {"type": "array", "items": {"type": "string", "enum": ["01", "99"]}}
            if maybe(draw, 4):
                schema["uniqueItems"] = True
            return Leaf([lookup(pairs, fallback)], schema, broken)
        if recipe == "join":
            schema = string_schema(draw, sum(len(code) + 2 for code in codes), broken)
            return Leaf([transform("join", separator=", ")], schema, broken)
        transforms, item_codes = [], codes
        if recipe == "lookup":
            item_codes = [f"{index + 1:02d}" for index in range(len(codes))]
            transforms = [lookup(list(zip(codes, item_codes, strict=True)))]
        schema = {"type": "array", "items": {"type": "string", "enum": item_codes}}
        if maybe(draw):
            schema["uniqueItems"] = True
        if maybe(draw):
            schema["minItems"] = 1
        if broken and len(codes) > 1:
            schema["maxItems"] = len(codes) - 1
        elif maybe(draw, 3):
            schema["maxItems"] = len(codes)
        return Leaf(transforms, schema, broken and len(codes) > 1)
    if name == "bool":
        consent = kind[1]
        recipe = draw(st.sampled_from(["bool", "bool", "lookup"]))
        if recipe == "lookup":
            pairs = [("true", "Y"), ("false", "N")]
            schema = {"type": "string", "enum": ["Y"] if broken and not consent else ["Y", "N"]}
            return Leaf([lookup(pairs)], schema, broken and not consent)
        if broken:
            return Leaf([], {"type": "string"}, True)
        schema = {"const": True} if consent and maybe(draw) else {"type": "boolean"}
        return Leaf([], schema)
    if name == "email":
        schema = {"type": "string", "format": "email"}
        if broken:
            schema["maxLength"] = kind[1] - 1
        elif maybe(draw, 3):
            schema["maxLength"] = kind[1]
        return Leaf([], schema, broken)
    if name == "pattern":
        pattern, length = kind[1], kind[2]
        recipe = draw(st.sampled_from(["pattern", "pattern", "plain", "digits", "number"]))
        if recipe == "number":
            chain = [transform("to_integer")]
            if not pattern.startswith(r"^\d") or draw(st.booleans()):
                chain = [transform("digits_only"), *chain]
            schema = {"type": "integer"}
            if maybe(draw, 3):
                schema["minimum"] = 1 if broken else 0
            return Leaf(chain, schema, broken and "minimum" in schema)
        if recipe == "digits":
            digit_pattern = pattern.startswith(r"^\d")
            schema = string_schema(draw, length, broken) if digit_pattern else {"type": "string"}
            broken = broken and digit_pattern
            return Leaf([transform("digits_only")], schema, broken and can_shorten(length))
        if recipe == "plain":  # one more: a final newline passes a pattern without format
            return Leaf([], string_schema(draw, length + 1, broken), broken)
        if broken and pattern == r"^\d{12}$":
            return Leaf([], {"type": "string", "pattern": r"^\d{11}$"}, True)
        if broken:
            return Leaf([], {"type": "string", "pattern": r"^\d{12}$"}, pattern != r"^\d{12}$")
        return Leaf([], {"type": "string", "pattern": pattern})
    raise ValueError(kind)


@st.composite
def object_leaf(draw, object_type, broken):
    """A whole object answer (passport, full name, address) onto an object or a joined string."""
    parts = PART_KINDS[object_type]
    if draw(st.integers(0, 3)) == 0:
        total = sum(kind[-1] if kind[0] != "date" else 10 for kind in parts.values())
        schema = string_schema(draw, total + len(parts), broken)
        return Leaf([transform("join", separator=" ")], schema, broken)
    properties, required = {}, []
    from constructor.formbuilder.types import field_type

    for name, _label, part_required, part_schema in field_type(object_type).parts:
        properties[name] = {k: v for k, v in part_schema.items() if not k.startswith("x-")}
        if part_required:
            required.append(name)
    if broken:
        which = draw(st.sampled_from(["require_optional", "drop", "shorter"]))
        optional = [name for name in properties if name not in required]
        if which == "require_optional" and optional:
            required.append(optional[0])
        elif which == "shorter" and object_type != "passport":
            name = draw(st.sampled_from(sorted(properties)))
            if "maxLength" in properties[name]:
                properties[name]["maxLength"] = 5
            else:
                properties[name]["maxLength"] = 3
        else:
            del properties[draw(st.sampled_from(sorted(properties)))]
    schema = {
        "type": "object",
        "properties": properties,
        "required": sorted(required),
        "additionalProperties": False,
    }
    return Leaf([], schema, broken)


def without_form_keywords(schema):
    """A form fragment as an agency would write it: no ``x-`` keywords, no minProperties."""
    if isinstance(schema, dict):
        return {
            key: without_form_keywords(value)
            for key, value in schema.items()
            if not key.startswith("x-") and key != "minProperties"
        }
    if isinstance(schema, list):
        return [without_form_keywords(value) for value in schema]
    return schema


@st.composite
def group_leaf(draw, fragment, broken):
    """A whole repeatable group onto a list of objects shaped like its items."""
    schema = without_form_keywords(fragment)
    if maybe(draw):
        del schema["minItems"]
    if maybe(draw):
        del schema["maxItems"]
    if broken:
        schema["maxItems"] = max(fragment["maxItems"] - 1, 0)
        schema["items"]["required"] = sorted(schema["items"]["properties"])
    return Leaf([], schema, broken)


CONSTANTS = [
    ("1", {"type": "string", "enum": ["1", "2", "3"]}),
    ("email", {"type": "string", "enum": ["email", "in_person", "mfc"]}),
    ("Калужская область", {"type": "string", "maxLength": 100}),
    ("general", {"const": "general"}),
]


@st.composite
def constant_leaf(draw, broken):
    text, schema = draw(st.sampled_from(CONSTANTS))
    recipe = draw(st.sampled_from(["as_is", "as_is", "as_is", "to_integer", "split", "codes"]))
    if recipe == "to_integer":
        schema = {"type": "integer", "minimum": 0 if not broken else 100}
        return "42", Leaf([transform("to_integer")], schema, broken)
    if recipe == "split":  # a list of codes typed as one text
        schema = {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]}}
        if broken:
            schema["maxItems"] = 1
        return "a, b", Leaf([transform("split", separator=",")], schema, broken)
    if recipe == "codes":  # ... and translated item by item
        pairs = [("a", "01"), ("b", "02")]
        # broken: the target lists the constant's own codes, not the translated ones
        enum = ["a", "b"] if broken else ["01", "02", "99"]
        schema = {"type": "array", "items": {"type": "string", "enum": enum}}
        transforms = [transform("split", separator=","), lookup(pairs, "99")]
        return "a,b", Leaf(transforms, schema, broken)
    if broken:
        if "enum" in schema:
            schema = {**schema, "enum": [code for code in schema["enum"] if code != text] or ["x"]}
        elif "const" in schema:
            schema = {"const": "other"}
        else:
            schema = {**schema, "maxLength": 3}
    return text, Leaf([], schema, broken)


SYSTEM_LEAVES = {
    "number": [([], {"type": "string", "minLength": 1})],
    "submitted_at": [([], {"type": "string", "format": "date-time"})],
    "submitted_on": [
        ([], {"type": "string", "format": "date"}),
        ([transform("date_format", format="%d.%m.%Y")], {"type": "string", "maxLength": 10}),
    ],
    "region_code": [([], {"type": "string", "pattern": r"^\d{2}$"})],
    "form_version": [([], {"type": "integer", "minimum": 1})],
    "service_code": [([], {"type": "string"})],
}


@st.composite
def system_leaf(draw, broken):
    name = draw(st.sampled_from(sorted(SYSTEM_LEAVES)))
    transforms, schema = draw(st.sampled_from(SYSTEM_LEAVES[name]))
    if broken:
        schema = {"type": "boolean"}
    return name, Leaf(list(transforms), dict(schema), broken)


# ---------------------------------------------------------------------------------------------
# Triples: form, agency schema, mapping
# ---------------------------------------------------------------------------------------------


@dataclass
class Triple:
    raw_form: list
    form_schema: dict
    payload_schema: dict
    raw_mapping: list  # payload_mapping stream data (rule blocks)
    broken: list = field(default_factory=list)  # what was tightened on purpose

    def __repr__(self):  # hypothesis prints this for a failing example
        import json

        def dump(value):
            return json.dumps(value, ensure_ascii=False)

        return (
            f"Triple(\n  form={dump(self.raw_form)},\n  payload_schema="
            f"{dump(self.payload_schema)},\n  mapping={dump(self.raw_mapping)},\n"
            f"  broken={self.broken!r})"
        )


def rule_block(index, target, source="field", *, field_path="", constant="", system="",
               transforms=(), default=""):  # fmt: skip
    return {
        "type": "rule",
        "id": f"rule-{index}",
        "value": {
            "target": target,
            "source": source,
            "field": field_path,
            "constant": constant,
            "system": system,
            "transforms": list(transforms),
            "default": default,
        },
    }


class SchemaTree:
    """Builds the payload schema from leaves placed at JSON pointers (``*``: array items)."""

    def __init__(self, closed):
        self.closed = closed
        self.root = self.new_object()

    def new_object(self):
        node = {"type": "object", "properties": {}, "required": []}
        if self.closed:
            node["additionalProperties"] = False
        return node

    def container(self, segments):
        node = self.root
        for index, segment in enumerate(segments):
            if segment == "*":
                node = node["items"]
                continue
            next_is_items = index + 1 < len(segments) and segments[index + 1] == "*"
            if segment not in node["properties"]:
                node["properties"][segment] = (
                    {"type": "array", "items": self.new_object()}
                    if next_is_items
                    else self.new_object()
                )
            node = node["properties"][segment]
        return node

    def put(self, pointer, schema, required):
        *parents, name = pointer.strip("/").split("/")
        node = self.container(parents)
        node["properties"][name] = schema
        if required and name not in node["required"]:
            node["required"].append(name)

    def require(self, pointer):
        *parents, name = pointer.strip("/").split("/")
        node = self.container(parents)
        if name not in node["required"]:
            node["required"].append(name)

    def schema(self):
        def tidy(node):
            if isinstance(node, dict):
                if node.get("required") == [] and node.get("type") == "object":
                    del node["required"]
                for value in node.values():
                    tidy(value)

        tidy(self.root)
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **self.root}


DEFAULT_POOL = ["нет", "2000-01-01", "01.01.2000", "0", "01", "a", "true"]


@st.composite
def triples(draw, break_percent=4, max_rules=6):
    """A (form, agency schema, mapping) triple; ``Triple.broken`` lists deliberate misfits.

    Besides the deliberate misfits, some choices are left for the checker to judge (random
    defaults, required targets inside an object that only one optional field fills, optional
    group values under ``/*``): the property holds whichever way it decides.
    """
    raw_form = draw(form_streams())
    form_schema = compile_form(raw_form)
    sources = form_sources(form_schema)
    tree = SchemaTree(closed=draw(st.booleans()))
    rules, broken = [], []
    containers = {}  # object or array pointer -> is it present in every payload?
    star_arrays = []  # ``/<group>_items`` arrays spread from a group
    parents = ["", "", "/applicant", "/details/extra"]

    def note_container(pointer, always):
        if pointer:
            containers[pointer] = containers.get(pointer, True) and always

    rule_count = draw(st.integers(1, max_rules))
    if chance(draw, 3):
        rule_count = 0
    for index in range(rule_count):
        is_broken = chance(draw, break_percent)
        kind_of_source = draw(st.sampled_from(["field"] * 8 + ["constant", "system"]))
        if not sources:
            kind_of_source = draw(st.sampled_from(["constant", "system"]))
        name = f"t{index}"
        if kind_of_source in ("constant", "system"):
            if kind_of_source == "constant":
                text, leaf = draw(constant_leaf(is_broken))
                options = {"constant": text}
            else:
                system, leaf = draw(system_leaf(is_broken))
                options = {"system": system}
            parent = draw(st.sampled_from(parents))
            if star_arrays and chance(draw, 30):  # the same value in every item of a group
                parent = draw(st.sampled_from(star_arrays)) + "/*"
            pointer = f"{parent}/{name}"
            required = draw(st.booleans())
            tree.put(pointer, leaf.schema, required)
            if required and "*" not in parent:
                note_container(parent, True)
            rules.append(
                rule_block(index, pointer, kind_of_source, transforms=leaf.transforms, **options)
            )
            if leaf.broken:
                broken.append(f"{pointer}: {kind_of_source}")
            continue

        source = draw(st.sampled_from(sources))
        kind = source["kind"]
        if kind[0] == "object":
            leaf = draw(object_leaf(kind[1], is_broken))
        elif kind[0] == "group":
            leaf = draw(group_leaf(form_schema["json_schema"]["properties"][kind[1]], is_broken))
        else:
            leaf = draw(leaf_for(kind, is_broken))
        group = source["group"]
        default = ""
        mode = "plain" if group is None else draw(st.sampled_from(["items", "values", "array"]))
        if mode == "plain":
            key = source["path"].split(".")[0]
            parent = draw(st.sampled_from([*parents, f"/of_{key}"]))
            pointer = f"{parent}/{name}"
            present = source["guaranteed"]
            if not present and leaf.default is not None and chance(draw, 30):
                default, present = leaf.default, True
            elif not present and chance(draw, 10):
                default, present = draw(st.sampled_from(DEFAULT_POOL)), True
            required = present and draw(st.booleans())
            if parent == f"/of_{key}" and not present:
                # Only this field fills the object: it exists exactly when the field does.
                part = source["path"].split(".")[-1]
                required = part not in OPTIONAL_PARTS and draw(st.booleans())
            if not present and is_broken and not leaf.broken:
                required, leaf.broken = True, True
            tree.put(pointer, leaf.schema, required)
            note_container(parent, present and required)
        elif mode == "items":
            # Every item of the group becomes an object of the target array.
            array = f"/{group['key']}_items"
            pointer = f"{array}/*/{name}"
            if not source["in_every_item"] and chance(draw, 20):
                default = leaf.default or draw(st.sampled_from(DEFAULT_POOL))
            required = (source["in_every_item"] or bool(default)) and draw(st.booleans())
            if not source["in_every_item"] and is_broken and not leaf.broken:
                required, leaf.broken = True, True
            tree.put(pointer, leaf.schema, required)
            note_container(array, source["guaranteed"])
            if array not in star_arrays:
                star_arrays.append(array)
            array_node = tree.container([array.strip("/")])
            max_items = group["options"]["max_items"]
            if maybe(draw, 3):
                array_node["minItems"] = 1
            if maybe(draw, 3):
                shorter = is_broken and max_items > 1
                array_node["maxItems"] = max_items - (1 if shorter else 0)
                leaf.broken = leaf.broken or shorter
        else:
            if mode == "values":  # the group's values as the items of an array: ``/x/*``
                array = f"/{group['key']}_values_{index}"
                pointer = f"{array}/*"
            else:  # the group's values as one array value
                array = draw(st.sampled_from(parents)) + "/" + name
                pointer = array
            schema = {"type": "array", "items": leaf.schema}
            if maybe(draw, 3):
                schema["maxItems"] = group["options"]["max_items"]
            if maybe(draw, 3):
                schema["minItems"] = 1
            if mode == "array" and chance(draw, 15):  # the values joined into one text
                leaf.transforms = [*leaf.transforms, transform("join", separator="; ")]
                schema = {"type": "string"}
                limit = draw(st.sampled_from([None, 60, 600, 6000]))
                if limit:
                    schema["maxLength"] = limit
            required = source["guaranteed"] and draw(st.booleans())
            tree.put(array, schema, required)
            if mode == "array":
                note_container(array.rsplit("/", 1)[0], required)
        rules.append(
            rule_block(
                index,
                pointer,
                field_path=source["path"],
                transforms=leaf.transforms,
                default=default,
            )  # fmt: skip
        )
        if leaf.broken:
            broken.append(f"{pointer}: {source['path']} {kind[0]}")

    for pointer, always in containers.items():
        if always and draw(st.booleans()):
            tree.require(pointer)
    if chance(draw, 25):  # an optional target nobody fills (a warning only)
        tree.put("/unmapped_note", {"type": "string", "maxLength": 10}, False)
    if chance(draw, break_percent):
        tree.put("/unmapped_required", {"type": "string"}, True)
        broken.append("/unmapped_required: nothing")
    if chance(draw, break_percent if rule_count else 50):
        tree.root["minProperties"] = 1  # beyond what the checker proves: unsupported_schema
        broken.append("/: minProperties")
    return Triple(raw_form, form_schema, tree.schema(), rules, broken)


# ---------------------------------------------------------------------------------------------
# System values
# ---------------------------------------------------------------------------------------------


@st.composite
def system_contexts(draw, form_version=None, service_code=None):
    from constructor.integrations.proof.mapping import SystemContext

    region = draw(st.sampled_from(["40", "71", "77", "01", "99"]))
    moment = draw(
        st.datetimes(
            min_value=datetime.datetime(2024, 1, 1),
            max_value=datetime.datetime(2030, 12, 31),
            timezones=st.sampled_from(
                [datetime.UTC, datetime.timezone(datetime.timedelta(hours=3))]
            ),
        )
    )
    return SystemContext(
        number=f"{region}-{moment.year}-{draw(st.integers(1, 999999)):06d}",
        submitted_at=moment,
        region_code=region,
        form_version=form_version or draw(st.integers(1, 30)),
        service_code=service_code
        or draw(st.sampled_from(["zapis-v-detskiy-sad", "registraciya-ip"])),
    )
