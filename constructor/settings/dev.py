"""Embedded defaults for `make run`: SQLite, debug pages, console e-mail."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]
# Fixed development keys: never used outside a developer's machine.
CONSTRUCTOR_ENCRYPTION_KEYS = {"dev1": "wvZVtWu2VlG23u2RyQj/RWVECMuccbeXbQ5grSzgdaU="}
CONSTRUCTOR_ACTIVE_KEY_ID = "dev1"
