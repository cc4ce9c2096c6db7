"""Embedded defaults for `make run`: SQLite, debug pages, console e-mail."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]
