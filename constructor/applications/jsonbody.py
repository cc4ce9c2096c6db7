"""Reading a JSON request body with its size and nesting bounded before it is parsed.

Django's ``request.body`` reads the whole body before anything can refuse it (and past
``DATA_UPLOAD_MAX_MEMORY_SIZE`` answers with an HTML 400), and ``json.loads`` recurses once per
level of nesting: 50 000 ``[`` in a correctly signed body are a RecursionError, a 500. So the
length comes from Content-Length and is refused (413) before one byte is read; at most that many
bytes are read; the bracket depth is counted by a scan that skips strings (400 when too deep);
and only then is the text parsed, as strict UTF-8 JSON: no NaN or Infinity, no number Python
cannot hold. Every refusal is a ``BodyRefused`` carrying the HTTP status and an English sentence
for the sender's developers.
"""

import json
import math
import re


class BodyRefused(Exception):
    def __init__(self, status, message):
        self.status = status
        self.message = message
        super().__init__(message)


# A whole JSON string (escapes skipped with it), a bracket, or a quote that opens a string that
# never ends: the parser stops there, so brackets after it never nest.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|"', re.DOTALL)
_OPENING = ("[", "{")
_CLOSING = ("]", "}")


def read_body(request, limit):
    """The raw body, at most ``limit`` bytes, read only after Content-Length allowed it."""
    declared = request.META.get("CONTENT_LENGTH", "")
    if not re.fullmatch(r"[0-9]{1,19}", declared):
        raise BodyRefused(411, "Content-Length is required: the body's size in bytes.")
    length = int(declared)
    if length > limit:
        raise BodyRefused(413, f"The body is larger than {limit} bytes.")
    return request.read(length)


def json_object(request, body, max_nesting):
    """The body parsed as a JSON object: declared JSON, UTF-8, nested at most ``max_nesting``."""
    charset = request.content_params.get("charset", "utf-8").lower()
    if request.content_type.lower() != "application/json" or charset not in ("utf-8", "utf8"):
        raise BodyRefused(415, "The body must be sent as Content-Type application/json (UTF-8).")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(400, "The body is not UTF-8.") from None
    if nesting_exceeds(text, max_nesting):
        raise BodyRefused(400, f"The body is nested deeper than {max_nesting} levels.")
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except ValueError:  # JSONDecodeError, and integers past Python's digit limit
        raise BodyRefused(400, "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BodyRefused(400, "The body must be a JSON object.")
    return data


def nesting_exceeds(text, limit):
    """True when arrays and objects in ``text`` nest deeper than ``limit``; strings skipped."""
    depth = 0
    for token in _TOKENS.finditer(text):
        found = token.group()
        if found in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif found in _CLOSING:
            depth -= 1
        elif found == '"':
            break
    return False


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text):
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} does not fit a float")
    return number
