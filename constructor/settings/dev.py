"""Embedded defaults for `make run`: SQLite, console e-mail, the product as its users see it.

DEBUG is off unless a developer asks for Django's debug pages with ``DJANGO_DEBUG=1``: with it
on, a mistyped address shows Django's technical 404 (in English, listing every URL) instead of
the region's own Russian page. Nothing else `make run` needs depends on DEBUG:

- static files: WhiteNoise serves them straight from the apps' and the project's static folders
  (``WHITENOISE_USE_FINDERS``) and looks again on every request (``WHITENOISE_AUTOREFRESH``), as
  it did with DEBUG on. No collectstatic step: an edited stylesheet shows on the next reload,
  and no stale copy in var/static can hide it. Production collects them (manifest storage).
- images: ``SERVE_PUBLIC_MEDIA`` routes the image renditions in MEDIA_ROOT (curator photos,
  coats of arms) to Django's file view (constructor/public_media.py). Production serves media
  from object storage and leaves it off.
"""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]
# Fixed development keys: never used outside a developer's machine.
CONSTRUCTOR_ENCRYPTION_KEYS = {"dev1": "wvZVtWu2VlG23u2RyQj/RWVECMuccbeXbQ5grSzgdaU="}
CONSTRUCTOR_ACTIVE_KEY_ID = "dev1"

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_MAX_AGE = 0
SERVE_PUBLIC_MEDIA = True
