"""Answers are sealed with AES-GCM, bound to their row, and survive key rotation."""

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured

from constructor.applications.crypto import decrypt_json, encrypt_json

ANSWERS = {"snils": "11223344595", "name": {"surname": "Иванова", "given_name": "Анна"}}


def test_round_trip_keeps_the_answers_and_hides_them():
    sealed = encrypt_json(ANSWERS, "draft:1")
    assert "Иванова".encode() not in sealed.ciphertext
    assert b"11223344595" not in sealed.ciphertext
    assert decrypt_json(sealed, "draft:1") == ANSWERS


def test_every_sealing_uses_a_fresh_nonce():
    assert encrypt_json(ANSWERS, "a").nonce != encrypt_json(ANSWERS, "a").nonce


def test_ciphertext_moved_to_another_row_does_not_open():
    sealed = encrypt_json(ANSWERS, "application:one")
    with pytest.raises(InvalidTag):
        decrypt_json(sealed, "application:two")


def test_rotation_old_rows_still_open_and_new_rows_use_the_new_key(settings):
    settings.CONSTRUCTOR_ACTIVE_KEY_ID = "test1"
    old = encrypt_json(ANSWERS, "x")
    settings.CONSTRUCTOR_ACTIVE_KEY_ID = "test2"
    new = encrypt_json(ANSWERS, "x")
    assert (old.key_id, new.key_id) == ("test1", "test2")
    assert decrypt_json(old, "x") == ANSWERS
    assert decrypt_json(new, "x") == ANSWERS


def test_a_retired_key_removed_from_settings_is_reported_clearly(settings):
    sealed = encrypt_json(ANSWERS, "x")
    settings.CONSTRUCTOR_ENCRYPTION_KEYS = {"other": settings.CONSTRUCTOR_ENCRYPTION_KEYS["test2"]}
    with pytest.raises(ImproperlyConfigured, match="not in CONSTRUCTOR_ENCRYPTION_KEYS"):
        decrypt_json(sealed, "x")


def test_a_short_key_is_refused(settings):
    settings.CONSTRUCTOR_ENCRYPTION_KEYS = {"short": "c2hvcnQ="}
    settings.CONSTRUCTOR_ACTIVE_KEY_ID = "short"
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        encrypt_json(ANSWERS, "x")
