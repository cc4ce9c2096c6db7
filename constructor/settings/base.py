"""Settings shared by every environment.

Environment-specific modules (dev, test, production) import everything from here
and override only what differs. The database comes from ``DATABASE_URL`` so the
same code runs on the embedded SQLite file and on PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "constructor"
# Runtime state (SQLite file, uploads, collected static) lives outside the sources.
VAR_DIR = Path(os.environ.get("CONSTRUCTOR_VAR_DIR", BASE_DIR / "var"))


def database_from_url(url):
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path[1:])}
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path[1:]),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


def port_from_env(name, default):
    """A TCP port from the environment, or a message that names the variable."""
    value = os.environ.get(name, default).strip()
    if not (value.isascii() and value.isdigit() and 0 < int(value) < 65536):
        raise ImproperlyConfigured(f"{name} must be a port number from 1 to 65535, not {value!r}.")
    return int(value)


INSTALLED_APPS = [
    "constructor.demo",
    "constructor.pagecache",
    "constructor.services",
    "constructor.formbuilder",
    "constructor.registry",
    "constructor.review",
    "constructor.applications",
    "constructor.integrations",
    "constructor.standins",
    "sites",
    "blocks",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "constructor.security.ContentSecurityPolicyMiddleware",
    "constructor.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "constructor.pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "constructor.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "sites.context_processors.region",
            ],
        },
    },
]

WSGI_APPLICATION = "constructor.wsgi.application"

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the task worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Keep connections open between requests and tasks: closing the last connection to a WAL
    # database checkpoints it, which made every delivery task pay for a flush to disk.
    DATABASES["default"]["CONN_MAX_AGE"] = 600

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise expects the folder even when files come from the finders (dev, tests).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATIC_URL = "/static/"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Whether Django itself serves MEDIA_ROOT's public part, the image renditions
# (constructor/public_media.py): only where no web server or object storage does, as in `make run`.
SERVE_PUBLIC_MEDIA = False
# Citizens' uploads: outside MEDIA_ROOT and never routed to a URL.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
# The malware scanner every upload passes (constructor/formbuilder/scanning.py). None: uploads
# are accepted unscanned, and the system check formbuilder.W001 says so at every start.
UPLOAD_SCANNER = None

# Citizen answers are encrypted at rest (AES-GCM): key id -> base64 of 32 random bytes.
# New data uses the active key; old data is read with the key id stored beside it.
CONSTRUCTOR_ENCRYPTION_KEYS = {}
CONSTRUCTOR_ACTIVE_KEY_ID = ""

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Public pages for anonymous visitors (constructor/pagecache): kept this long at most, so a
# purge that could not reach the cache leaves no page stale for longer.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Shared by every process serving pages: `make run`'s gunicorn workers read one folder.
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "page-cache"),
        "TIMEOUT": PAGE_CACHE_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # Wagtail looks renditions up here first, so images on a landing cost no query once rendered.
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renditions",
        "TIMEOUT": 600,
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Delivering applications to agencies (constructor/integrations/delivery/): retries back off
# exponentially with full jitter from the base up to the cap; after the last attempt the
# delivery is failed and waits for an official's "Retry". The worker's sweep re-enqueues
# deliveries whose task was lost (a killed worker) every DELIVERY_SWEEP_SECONDS.
DELIVERY_TASK_BACKEND = os.environ.get("DELIVERY_TASK_BACKEND", "default")
DELIVERY_RETRY_BASE_SECONDS = float(os.environ.get("DELIVERY_RETRY_BASE_SECONDS", "5"))
DELIVERY_RETRY_MAX_SECONDS = float(os.environ.get("DELIVERY_RETRY_MAX_SECONDS", "600"))
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "12"))
DELIVERY_SWEEP_SECONDS = float(os.environ.get("DELIVERY_SWEEP_SECONDS", "60"))
# An attempt holds its delivery for the integration's timeout plus this margin.
DELIVERY_LEASE_SECONDS = float(os.environ.get("DELIVERY_LEASE_SECONDS", "30"))
# After an outage, each success makes deliveries waiting on back-off due now, keeping at most
# this many of one integration's deliveries due or in flight.
DELIVERY_DRAIN_CONCURRENCY = int(os.environ.get("DELIVERY_DRAIN_CONCURRENCY", "4"))

# Housekeeping (constructor/applications/housekeeping.py), run by the worker every
# HOUSEKEEPING_SECONDS: unsent drafts unchanged for DRAFT_RETENTION go with their files (a resume
# link lives as long, and the citizen pages say 30 days), finished task results after
# TASK_RESULT_RETENTION, expired sessions (SESSION_COOKIE_AGE) as clearsessions would.
DRAFT_RETENTION = timedelta(days=30)
TASK_RESULT_RETENTION = timedelta(days=int(os.environ.get("TASK_RESULT_RETENTION_DAYS", "7")))
HOUSEKEEPING_SECONDS = float(os.environ.get("HOUSEKEEPING_SECONDS", "3600"))
HOUSEKEEPING_TASK_BACKEND = os.environ.get("HOUSEKEEPING_TASK_BACKEND", "default")

# The citizen's status link (constructor/applications/status_links.py) works for this many days
# from when it was issued; after that its page sends a new one to the application's e-mail
# address, at most once per STATUS_LINK_RESEND_SECONDS for each application.
STATUS_LINK_LIFETIME_DAYS = int(os.environ.get("STATUS_LINK_LIFETIME_DAYS", "90"))
STATUS_LINK_RESEND_SECONDS = int(os.environ.get("STATUS_LINK_RESEND_SECONDS", "300"))

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# How far past the most a step's uploads can take a request body is still read (never kept)
# after an upload is refused, so that the browser shows the refusal rather than a connection
# error; bigger bodies are not read further (constructor/formbuilder/upload_limits.py).
UPLOAD_OVERSIZE_READ_BYTES = int(os.environ.get("UPLOAD_OVERSIZE_READ_BYTES", 50 * 1024 * 1024))

LOGIN_URL = "wagtailadmin_login"

# Security headers (constructor/security.py; docs/ARCHITECTURE.md, "Security headers").
# SecurityMiddleware's defaults already send X-Content-Type-Options: nosniff,
# Referrer-Policy: same-origin and Cross-Origin-Opener-Policy: same-origin.
# Public pages: our own scripts, styles and images only, nothing inline, no eval, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin, found by loading its screens in Chromium and collecting violations:
# inline <script> in Wagtail's widget and panel templates (date pickers, inline panels),
# <style> elements its editors insert, blob: previews of images being uploaded, and its preview
# panel and block previews framed by the admin itself.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "blob:"],
        "frame-ancestors": [SELF],
    }
}
# Browser features no page uses, off for every origin (Permissions-Policy).
PERMISSIONS_POLICY_DENY = [
    "accelerometer",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]

# Wagtail
WAGTAIL_SITE_NAME = "Конструктор госуслуг"
WAGTAIL_I18N_ENABLED = False
# Page addresses are Latin: Wagtail's editor transliterates the Russian title into the slug
# («Единое пособие» -> edinoe-posobie) instead of keeping Cyrillic, which links percent-encode.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "russian",
    }
}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "rtf", "xlsx", "ods", "txt", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Draftail in a FieldPanel, named by the panel's label (blocks/rich_text_editor.py).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "blocks.rich_text_editor.LabelledDraftailRichTextArea"}
}
# Avatars from Wagtail's own static default, not gravatar.com: no outside requests, no staff
# e-mail hashes sent out, nothing for the admin's CSP to allow.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Approval by the federal reviewers publishes; regional staff have no publish permission.
WAGTAIL_FINISH_WORKFLOW_ACTION = "constructor.review.finish.publish_approved"
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Regions are served as <slug>.<REGION_HOST_SUFFIX>:<PUBLIC_PORT>;
# the federal portal is the default site.
REGION_HOST_SUFFIX = os.environ.get("CONSTRUCTOR_REGION_HOST_SUFFIX", "localhost")
PUBLIC_PORT = int(os.environ.get("CONSTRUCTOR_PUBLIC_PORT", "8000"))
PORTAL_HOSTNAME = os.environ.get("CONSTRUCTOR_PORTAL_HOSTNAME", "localhost")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "noreply@gosuslugi-constructor.localhost"

# The loopback agency simulator: `make run` starts it on SIMULATOR_PORT, and demo integrations
# post to <AGENCY_SIMULATOR_URL>/<code>/ (load_demo moves them when the port changes).
SIMULATOR_PORT = port_from_env("SIMULATOR_PORT", "8765")
AGENCY_SIMULATOR_URL = os.environ.get("AGENCY_SIMULATOR_URL", f"http://127.0.0.1:{SIMULATOR_PORT}/")
# This install's own HMAC secrets for the demo integrations (fixtures/demo/install_secrets.py).
DEMO_SECRETS_PATH = VAR_DIR / "demo-secrets.json"
