"""Settings for the pytest suite: fast hashing, immediate tasks, throwaway media."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Throwaway state of one test process, removed when it exits (mkdtemp left a pair of folders
# in the system's temp folder on every run).
_SCRATCH = tempfile.TemporaryDirectory(prefix="constructor-test-")
MEDIA_ROOT = Path(_SCRATCH.name) / "media"
PRIVATE_MEDIA_ROOT = Path(_SCRATCH.name) / "private"
# Never the developer's var/demo-secrets.json: tests must not create or read an install's secrets.
DEMO_SECRETS_PATH = Path(_SCRATCH.name) / "demo-secrets.json"
CONSTRUCTOR_ENCRYPTION_KEYS = {
    "test1": "wvZVtWu2VlG23u2RyQj/RWVECMuccbeXbQ5grSzgdaU=",
    "test2": "u7WLFWMBojyqYaJ9a8sjWlQa4kFBRjTnALcU4X167jQ=",
}
CONSTRUCTOR_ACTIVE_KEY_ID = "test1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # Deliveries POST to an agency: never inside the submitting transaction. Tests that need a
    # delivery run the database worker loop themselves (tests/integrations/test_delivery.py).
    "delivery": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    # Housekeeping schedules itself again: on the immediate backend it would never return.
    "housekeeping": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
DELIVERY_TASK_BACKEND = "delivery"
HOUSEKEEPING_TASK_BACKEND = "housekeeping"
# The page cache is off: a test's transaction never commits, so nothing would purge a page it
# changed. tests/pagecache turns it on (in this process) and commits what it changes; the
# browser tests run it for real, on the demo server.
CACHES = {
    **CACHES,  # noqa: F405
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
