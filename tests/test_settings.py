"""Production settings: secure by `check --deploy`, and loud when a secret is missing."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from constructor.settings.base import database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(args, env_overrides, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="constructor.settings.production",
        CONSTRUCTOR_VAR_DIR=str(tmp_path / "var"),
        **env_overrides,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path):
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "gosuslugi.example.ru,.gosuslugi.example.ru",
        # `check` never connects, so no server needs to listen here.
        "DATABASE_URL": "postgres://constructor@127.0.0.1:5432/constructor",
        "CONSTRUCTOR_ENCRYPTION_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "CONSTRUCTOR_ACTIVE_KEY_ID": "k1",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path), tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_settings_refuse_to_start_without_a_required_variable(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    result = run_manage(["check"], env, tmp_path)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable for production." in result.stderr


def test_blank_secret_key_counts_as_missing(tmp_path):
    env = production_env(tmp_path) | {"SECRET_KEY": "   "}
    result = run_manage(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable for production." in result.stderr


@pytest.mark.parametrize("name", ["{tmp_path}/production.sqlite3", ":memory:"])
def test_production_settings_refuse_an_sqlite_database(tmp_path, name):
    url = f"sqlite:///{name.format(tmp_path=tmp_path)}"
    result = run_manage(["check"], production_env(tmp_path) | {"DATABASE_URL": url}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL points at an SQLite file" in result.stderr
    assert "Set it to a PostgreSQL database" in result.stderr


def test_sqlite_url_gives_the_file_path():
    assert database_from_url("sqlite:////srv/constructor/db.sqlite3") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/constructor/db.sqlite3",
    }


def test_relative_sqlite_url_stays_relative():
    assert database_from_url("sqlite:///var/db.sqlite3")["NAME"] == "var/db.sqlite3"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_url_gives_every_connection_part(scheme):
    database = database_from_url(f"{scheme}://gosuslugi:p%40ss%2Fw0rd@db.internal:6432/constructor")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "constructor"
    assert database["USER"] == "gosuslugi"
    assert database["PASSWORD"] == "p@ss/w0rd"
    assert database["HOST"] == "db.internal"
    assert database["PORT"] == "6432"


def test_postgres_url_without_port_leaves_the_default():
    database = database_from_url("postgres://gosuslugi@localhost/constructor")
    assert database["PORT"] == ""
    assert database["PASSWORD"] == ""


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://user@localhost/constructor")


def test_models_and_migrations_agree(tmp_path):
    """A block label or field change without its migration would break the next deploy."""
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "constructor.settings.test",
            "CONSTRUCTOR_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
