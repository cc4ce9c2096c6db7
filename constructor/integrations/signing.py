"""The request signature agencies check: hex HMAC-SHA256 of ``f"{timestamp}." + body``.

Kept free of Django so the agency simulator and the models sign the same way from one place.
"""

import hashlib
import hmac


def as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode()


def signature(secret, body, timestamp):
    message = f"{timestamp}.".encode() + as_bytes(body)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
