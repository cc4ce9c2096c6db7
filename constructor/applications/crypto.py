"""Citizen answers encrypted at rest (invariant 5): AES-256-GCM with rotating keys.

Keys live in settings (``CONSTRUCTOR_ENCRYPTION_KEYS``: key id -> base64 of 32 bytes) and new
data is sealed with ``CONSTRUCTOR_ACTIVE_KEY_ID``. The key id is stored beside every
ciphertext, so rotating the active key never makes old rows unreadable. The associated data
binds a ciphertext to the row it belongs to: copying it onto another draft or application
makes decryption fail instead of showing one citizen's answers on another's record.
"""

import base64
import binascii
import json
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes
    nonce: bytes
    key_id: str


def _key(key_id):
    encoded = settings.CONSTRUCTOR_ENCRYPTION_KEYS.get(key_id)
    if not encoded:
        raise ImproperlyConfigured(
            f"Encryption key {key_id!r} is not in CONSTRUCTOR_ENCRYPTION_KEYS; "
            "keep retired keys there for as long as data sealed with them exists."
        )
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(f"Encryption key {key_id!r} is not valid base64.") from error
    if len(key) != 32:
        raise ImproperlyConfigured(f"Encryption key {key_id!r} must be 32 bytes (AES-256).")
    return key


def _associated_data(bound_to):
    return str(bound_to).encode()


def encrypt_json(value, bound_to):
    """Seal a JSON-serialisable value with the active key, bound to ``bound_to`` (a row id)."""
    key_id = settings.CONSTRUCTOR_ACTIVE_KEY_ID
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    ciphertext = AESGCM(_key(key_id)).encrypt(nonce, plaintext, _associated_data(bound_to))
    return Sealed(ciphertext=ciphertext, nonce=nonce, key_id=key_id)


def decrypt_json(sealed, bound_to):
    """Open a value sealed by ``encrypt_json``; raises ``InvalidTag`` if it was tampered with."""
    plaintext = AESGCM(_key(sealed.key_id)).decrypt(
        bytes(sealed.nonce), bytes(sealed.ciphertext), _associated_data(bound_to)
    )
    return json.loads(plaintext)
