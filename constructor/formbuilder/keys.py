"""Machine names made from what editors write: keys of steps and fields, codes of options.

Editors are civil servants: they write questions, step titles and options in Russian and should
never have to invent a Latin identifier. So a key left empty is made from its label: the label is
transliterated (anyascii, as Wagtail does for slugs), lower-cased, reduced to snake_case words,
and made unique in its namespace with ``_2``, ``_3``...

A key is made once, the first time its block is saved with a label, and the system never changes
a key that is already there: published FormVersions, applications, mapping rules and conditions
refer to it, so rewording a question must not move its answer. A power user may still type a key.

Namespaces (``fill_keys`` and ``checks.check_form`` agree on them): step keys among the steps,
field keys among the top-level fields of the whole form, the nested keys of each repeatable
group within that group (its answers are items of the group's array), and option codes within
their choice field.
"""

import re

from anyascii import anyascii
from django.utils.text import slugify

from constructor.formbuilder.registry import list_items
from constructor.formbuilder.types import field_types

# Whole words up to this length, so a suffix (``_2``) still fits the 50 characters keys allow.
WORDS_LENGTH = 40
SLUG_LENGTH = 80
STEP_FALLBACK, OPTION_FALLBACK = "step", "option"


def latin_words(text):
    """``"Дата рождения ребёнка"`` -> ``["data", "rozhdeniya", "rebenka"]``."""
    latin = anyascii(str(text or "")).lower()
    # Soft and hard signs come out as apostrophes: they belong to the word, not between words.
    latin = re.sub(r"['\"`]", "", latin)
    return re.findall(r"[a-z0-9]+", latin)


def _shorten(words, length):
    kept = []
    for word in words:
        if len("_".join([*kept, word])) > length:
            break
        kept.append(word)
    return kept or [words[0][:length]]


def key_from_label(label, fallback):
    """A key matching ``registry.KEY_PATTERN`` (a letter first); ``fallback`` when none is left."""
    words = latin_words(label)
    while words and not words[0][0].isalpha():
        words[0] = words[0].lstrip("0123456789")
        if not words[0]:
            words.pop(0)
    return "_".join(_shorten(words, WORDS_LENGTH)) if words else fallback


def code_from_label(label, fallback=OPTION_FALLBACK):
    """An option code (``OPTION_CODE_PATTERN``: a digit may come first)."""
    words = latin_words(label)
    return "_".join(_shorten(words, WORDS_LENGTH)) if words else fallback


def slug_from_title(title, length=SLUG_LENGTH):
    """A readable Latin page slug: «Единое пособие» -> ``edinoe-posobie``."""
    slug = slugify(anyascii(str(title or "")).replace("'", ""))
    if len(slug) > length:
        slug = slug[:length].rsplit("-", 1)[0]
    return slug


def unique(base, taken):
    """``base``, or ``base_2``, ``base_3``... whichever is not taken yet; claims it."""
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    taken.add(key)
    return key


def _named(label):
    return bool(str(label or "").strip())


def _answering(stream):
    """Field values (dicts) of a fields stream that hold an answer (not ``info``)."""
    kinds = field_types()
    return [
        (item["type"], item["value"])
        for item in stream or []
        if item.get("type") in kinds
        and kinds[item["type"]].has_answer
        and isinstance(item.get("value"), dict)
    ]


def _fill_fields(fields):
    """Fill the empty keys of one namespace of field values, then what each field holds."""
    taken = {value.get("key") for _kind, value in fields if value.get("key")}
    for kind, value in fields:
        if not value.get("key") and _named(value.get("label")):
            value["key"] = unique(key_from_label(value["label"], fallback=kind), taken)
    for kind, value in fields:
        if kind == "group":
            _fill_fields(_answering(value.get("fields")))
        if value.get("choices") is not None:
            _fill_codes(
                [option for option in list_items(value["choices"]) if isinstance(option, dict)]
            )


def _fill_codes(options):
    taken = {option.get("code") for option in options if option.get("code")}
    for option in options:
        if not option.get("code") and _named(option.get("label")):
            option["code"] = unique(code_from_label(option["label"]), taken)


def fill_keys(raw_stream_data):
    """Give every step, field and option with a label but no key one made from that label.

    Works in place on stored (raw) ``application_form`` data and returns it; keys already there
    are kept, whatever the labels say now.
    """
    steps = [
        item["value"]
        for item in raw_stream_data or []
        if item.get("type") == "step" and isinstance(item.get("value"), dict)
    ]
    taken = {step.get("key") for step in steps if step.get("key")}
    for step in steps:
        if not step.get("key") and _named(step.get("title")):
            step["key"] = unique(key_from_label(step["title"], fallback=STEP_FALLBACK), taken)
    _fill_fields([pair for step in steps for pair in _answering(step.get("fields"))])
    return raw_stream_data
