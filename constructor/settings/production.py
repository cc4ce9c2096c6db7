"""Production settings: everything secret or host-specific comes from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS (comma separated), DATABASE_URL (PostgreSQL; SQLite is
refused).
Required: CONSTRUCTOR_ENCRYPTION_KEYS ("id:base64key,id2:base64key") and
CONSTRUCTOR_ACTIVE_KEY_ID (one of those ids) for the citizens' answers.
Required: REDIS_URL (redis://host:6379/0), the cache every app server shares: the page cache
(constructor/pagecache) and image renditions. PAGE_CACHE_SECONDS (default 60) bounds how long a
page can stay stale when a purge cannot reach Redis. A CDN in front may keep public pages as
long as their ``Cache-Control: public, s-maxage`` says; everything personal is ``private``.
Optional: CSRF_TRUSTED_ORIGINS (comma separated), SECURE_HSTS_SECONDS.
ClamAV scans every upload: CLAMAV_SOCKET (clamd's unix socket), or CLAMAV_HOST and CLAMAV_PORT
(default localhost:3310). While clamd does not answer, uploads are refused, never kept unscanned.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable for production.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in _required("ALLOWED_HOSTS").split(",") if host.strip()]
# base.py already built DATABASES from it; production must not fall back to the embedded file,
# nor run on SQLite at all: gunicorn's workers and the task worker write at once, and what
# production relies on (Russian full-text search, connection health checks) is PostgreSQL's.
_required("DATABASE_URL")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    raise ImproperlyConfigured(
        "DATABASE_URL points at an SQLite file, which production does not support. "
        "Set it to a PostgreSQL database, e.g. postgres://user:password@host:5432/constructor."
    )
CONSTRUCTOR_ENCRYPTION_KEYS = dict(
    item.strip().split(":", 1)
    for item in _required("CONSTRUCTOR_ENCRYPTION_KEYS").split(",")
    if item.strip()
)
CONSTRUCTOR_ACTIVE_KEY_ID = _required("CONSTRUCTOR_ACTIVE_KEY_ID")
# One cache for every app server: a page purged by one is purged for all.
REDIS_URL = _required("REDIS_URL")
_REDIS = "django.core.cache.backends.redis.RedisCache"
CACHES = {
    "default": {"BACKEND": _REDIS, "LOCATION": REDIS_URL, "KEY_PREFIX": "default"},
    "renditions": {
        "BACKEND": _REDIS,
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "renditions",
        "TIMEOUT": 600,
    },
    "pages": {
        "BACKEND": _REDIS,
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pages",
        "TIMEOUT": PAGE_CACHE_SECONDS,  # noqa: F405
        # A Redis that does not answer must not hold a citizen's page: serve it uncached.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
}
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]
UPLOAD_SCANNER = {
    "BACKEND": "constructor.formbuilder.scanning.ClamdScanner",
    "OPTIONS": (
        {"socket_path": os.environ["CLAMAV_SOCKET"].strip()}
        if os.environ.get("CLAMAV_SOCKET", "").strip()
        else {
            "host": os.environ.get("CLAMAV_HOST", "").strip() or "localhost",
            "port": int(os.environ.get("CLAMAV_PORT", "").strip() or 3310),
        }
    ),
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# X-Frame-Options stays DENY: Wagtail marks its preview views SAMEORIGIN itself, and the CSP's
# frame-ancestors (which browsers prefer) says the same per page (base.py, security headers).

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
