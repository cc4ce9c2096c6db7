"""Unit tests of the form engine read the English source messages.

The site runs in Russian (LANGUAGE_CODE "ru"), so requests through the test client still get
the Russian catalogue; ``test_messages_are_translated`` checks that the catalogue covers them.
"""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield
