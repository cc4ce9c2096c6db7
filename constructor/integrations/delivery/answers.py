"""What an agency answered, made safe to keep and to show: excerpts and bounded JSON.

The body is the agency's, not ours: any bytes, in any amount (``exchange.py`` reads at most a
fixed number). Officials read what is kept on the deliveries screen and the database stores
it, so it is decoded with replacement (never an error; in the charset the answer names, when
Python knows it as a text encoding), stripped of control and format characters (PostgreSQL
refuses NUL in text, and bidi controls can disguise what is shown) and cut to a few hundred
characters. JSON is parsed only after a linear scan has found its nesting within
``MAX_JSON_DEPTH``: Python's parser recurses once per level, and a body of 60 000 "[" raises
RecursionError, which no ``except ValueError`` catches.
"""

import json
import re
import unicodedata

from django.utils.translation import gettext as _

EXCERPT_CHARS = 500
MESSAGE_CHARS = 1000
MAX_JSON_DEPTH = 32
REPLACEMENT = "\ufffd"
# More replaced characters than this share and the answer is called binary, not quoted.
BINARY_SHARE = 0.1

_JSON_STRUCTURE = re.compile(r'[\[\]{}"\\]')


def decode(raw, charset=None):
    """The body as text: in its declared charset if that is a known text encoding, else UTF-8."""
    if charset:
        try:
            return raw.decode(charset, errors="replace")
        except (LookupError, ValueError):
            # Unknown, not a text encoding (zlib, base64), or one that refuses to replace
            # (idna, undefined): not trusted. UnicodeError is a ValueError.
            pass
    return raw.decode("utf-8", errors="replace")


def displayable(text):
    """``text`` with every control, format, private or unassigned character replaced."""
    return "".join(
        char if char in "\n\t" or unicodedata.category(char)[0] != "C" else REPLACEMENT
        for char in text
    )


def shortened(text, limit):
    """At most ``limit`` displayable characters, an ellipsis marking a cut."""
    text = text.strip()
    if len(text) > limit:
        return displayable(text[: limit - 1]) + "…"
    return displayable(text)


def excerpt(text, *, whole=True):
    """The excerpt of an answer kept with its attempt; "…" when it was cut or broke off."""
    kept = shortened(text, EXCERPT_CHARS)
    if kept and not whole and not kept.endswith("…"):
        kept += "…"
    return kept


def looks_binary(text):
    sample = text[:EXCERPT_CHARS]
    if not sample:
        return False
    replaced = sum(1 for char in sample if char == REPLACEMENT or char == "\x00")
    return replaced / len(sample) > BINARY_SHARE


def nesting_within(text, limit):
    """True when no array or object in ``text`` nests deeper than ``limit``; linear time.

    Brackets inside strings do not count. Only the structure is followed, not the grammar:
    invalid JSON may pass, and json.loads then refuses it with a ValueError.
    """
    depth = 0
    in_string = False
    escaped_at = -1
    for match in _JSON_STRUCTURE.finditer(text):
        position, char = match.start(), match.group()
        if position == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = position + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


def parsed_json(text):
    """The JSON value of ``text``, or None when it is not JSON or nests too deep to parse."""
    if not nesting_within(text, MAX_JSON_DEPTH):
        return None
    try:
        return json.loads(text)
    except ValueError:  # not JSON; also an integer too long to convert
        return None


def agency_words(answer):
    """The agency's own words in a JSON answer: its ``error`` and each of its ``errors``."""
    if not isinstance(answer, dict):
        return []
    parts = []
    error = answer.get("error")
    if error not in (None, "", [], {}):
        parts.append(str(error))
    errors = answer.get("errors")
    for item in errors if isinstance(errors, list) else []:
        if isinstance(item, dict):
            parts.append(f"{item.get('path') or '/'}: {item.get('message', '')}")
        else:
            parts.append(str(item))
    return parts


def agency_message(status, text):
    """The error kept for an answer other than 2xx: the agency's words, else the text itself."""
    parts = agency_words(parsed_json(text))
    if parts:
        message = shortened(" ".join(parts), MESSAGE_CHARS)
    elif looks_binary(text):
        message = _("an answer that is not text")
    else:
        message = shortened(text, EXCERPT_CHARS)
    return _("The agency answered %(status)s: %(message)s") % {
        "status": status,
        "message": message or _("no explanation"),
    }
