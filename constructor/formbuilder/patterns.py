"""JSON Schema ``pattern`` with the regular-expression meaning agencies' validators give it.

JSON Schema patterns are ECMA-262 regular expressions. Python's ``re`` reads the same text
more loosely in two ways that matter for identifiers: ``\\d`` also matches other scripts'
digits (``"١٢٣٤"``), and ``$`` also matches before a final newline (``"1234\\n"``). An
answer accepted that way would be refused by an agency validating to the letter, so every
validator of ours (the form's and the agency payload's) and the mapping checker's proofs use
``pattern_search`` instead of jsonschema's default.
"""

import functools
import re

from jsonschema import Draft202012Validator, ValidationError, validators


def ecma_to_python(pattern):
    """The Python regex text for an ECMA pattern: ``$`` outside a class means end of input."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char == "$":
            out.append(r"\Z")
        else:
            out.append(char)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def compiled(pattern):
    # ASCII: \d is [0-9], \w is [A-Za-z0-9_], as in ECMA-262 without the u flag.
    return re.compile(ecma_to_python(pattern), re.ASCII)


def pattern_search(pattern, text):
    """True when ``text`` matches the JSON Schema ``pattern`` (search semantics, like ECMA)."""
    return compiled(pattern).search(text) is not None


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not pattern_search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


StrictPatternValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})
