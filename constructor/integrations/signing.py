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


def as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode()


def signature(secret, body, timestamp, subject=""):
    prefix = f"{timestamp}.{subject}." if subject else f"{timestamp}."
    message = prefix.encode() + as_bytes(body)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
