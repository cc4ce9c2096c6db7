"""What every benchmark shares: a throwaway database, and the closing RESULT line.

``prepare`` must run before anything imports Django models: it points the settings at a fresh
var folder (so the demo database is never touched), sets Django up and migrates.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


_scratch = []


def prepare(name, page_cache=False):
    """Set Django up on an empty SQLite database in a temporary folder; return that folder.

    The folder goes when the script exits (a benchmark leaves nothing in the temp folder).
    The page cache (constructor/pagecache) is off unless asked for: a benchmark of rendering
    must render every time, not measure the cache.
    """
    sys.path.insert(0, str(ROOT))
    scratch = tempfile.TemporaryDirectory(prefix=f"bench-{name}-")
    _scratch.append(scratch)  # removed at interpreter exit, once nothing uses it
    var_dir = scratch.name
    os.environ["CONSTRUCTOR_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "constructor.settings.dev")
    os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    if not page_cache:
        settings.CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    call_command("migrate", verbosity=0)
    return var_dir


def report(figures, failures):
    """Print ``RESULT key=value ... ok=0|1`` and what was missed; return the exit code."""
    line = " ".join(f"{key}={value}" for key, value in figures.items())
    print(f"RESULT {line} ok={int(not failures)}")
    if failures:
        print("MISSED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0
