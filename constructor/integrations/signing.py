"""The request signature: hex HMAC-SHA256 of ``f"{timestamp}.{subject}." + body``.

``subject`` names what the request is about and is signed with it: a delivery's
``Idempotency-Key``, a status callback's application number. Without it a captured request
could be replayed within the timestamp window under a new key (a second application at the
agency) or against another application's number (a status it never got). Empty ``subject``
gives the bare ``f"{timestamp}." + body``.

Kept free of Django so the agency simulator and the models sign the same way from one place.
"""

import hashlib
import hmac
import re
import time

# A request's X-Timestamp may be this far from the receiver's clock, either way.
MAX_CLOCK_SKEW_SECONDS = 300


def as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode()


def signature(secret, body, timestamp, subject=""):
    prefix = f"{timestamp}.{subject}." if subject else f"{timestamp}."
    message = prefix.encode() + as_bytes(body)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sent_at(timestamp):
    """The whole Unix seconds of an ``X-Timestamp`` header, or None when it is not that.

    ASCII digits only, at most 12 of them: ``int()`` would also take ``+``, ``_`` and other
    scripts' digits, and a number too large for a float cannot be compared with the clock.
    """
    text = str(timestamp).strip()
    if not re.fullmatch(r"[0-9]{1,12}", text):
        return None
    return int(text)


def fresh(timestamp, now=None):
    """True when ``timestamp`` is whole Unix seconds within the allowed clock skew."""
    moment = sent_at(timestamp)
    now = time.time() if now is None else now
    return moment is not None and abs(now - moment) <= MAX_CLOCK_SKEW_SECONDS


def matches(secrets, body, timestamp, sent, subject=""):
    """True when the ``X-Signature`` ``sent`` is that of any of ``secrets`` (empty ones skipped).

    Accepts upper case, surrounding spaces and a ``sha256=`` prefix. Compared as bytes, so a
    non-ASCII header is a mismatch, not an exception.
    """
    if not sent:
        return False
    sent = as_bytes(sent).strip().lower().removeprefix(b"sha256=")
    return any(
        hmac.compare_digest(signature(secret, body, timestamp, subject).encode(), sent)
        for secret in secrets
        if secret
    )
