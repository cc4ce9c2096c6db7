"""Each install signs its demo deliveries with its own secrets, at its own simulator's port.

Two copies of the product on one machine used to share the demo secrets from the sources and
post to port 8765 whatever SIMULATOR_PORT said: the second copy delivered a real application to
the first copy's simulator, which accepted it.
"""

import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from constructor.applications.models import Application
from constructor.integrations.delivery.attempts import AttemptOutcome, Delivery, post
from constructor.integrations.models import Integration
from constructor.standins.agency import AgencySimulator, SimulatorConfig
from constructor.standins.management.commands.agency_simulator import (
    integrations_from_database,
)
from fixtures.demo.agencies import INTEGRATIONS
from fixtures.demo.install_secrets import DemoSecretsError, install_secrets
from fixtures.demo.loader import Tally, ensure_integrations

BASE_DIR = Path(__file__).resolve().parent.parent
CODES = [data["code"] for data in INTEGRATIONS]

EGRN_REQUEST = {
    "cadastral_number": "40:26:000123:45",
    "extract_type": "basic_characteristics",
    "applicant": {
        "full_name": {"last_name": "Иванова", "first_name": "Анна"},
        "snils": "11223344595",
    },
    "delivery_email": "anna.ivanova@example.ru",
}


def secrets_path(tmp_path, install):
    return tmp_path / install / "var" / "demo-secrets.json"


@pytest.fixture
def install_b(settings, tmp_path):
    """This test database is install B: its secrets file lives in its own var folder."""
    settings.DEMO_SECRETS_PATH = secrets_path(tmp_path, "b")
    settings.AGENCY_SIMULATOR_URL = "http://127.0.0.1:8765/"
    return settings


@pytest.fixture
def load(db, django_capture_on_commit_callbacks):
    """Load the demo integrations as ``load_demo`` does: in a transaction that commits."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            ensure_integrations(tally := Tally())
        return tally

    return run


def stored_secrets():
    return dict(Integration.objects.values_list("code", "hmac_secret"))


def kept(settings):
    return json.loads(settings.DEMO_SECRETS_PATH.read_text())


def kept_secrets(codes, path):
    install = install_secrets(codes, path)
    install.keep()
    return install


def test_two_installs_get_different_strong_secrets(tmp_path):
    first = kept_secrets(CODES, secrets_path(tmp_path, "a"))
    second = kept_secrets(CODES, secrets_path(tmp_path, "b"))
    values = [*first.by_code.values(), *second.by_code.values()]
    assert len(set(values)) == 2 * len(CODES)
    assert all(len(secret) >= 43 for secret in values)  # 32 random bytes, URL-safe base64
    assert first.generated == second.generated == set(CODES)
    for install in ("a", "b"):
        path = secrets_path(tmp_path, install)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert json.loads(path.read_text()) == (first if install == "a" else second).by_code
    assert [path.name for path in secrets_path(tmp_path, "a").parent.iterdir()] == [
        "demo-secrets.json"
    ]


def test_a_second_load_reuses_the_secrets(tmp_path):
    path = secrets_path(tmp_path, "a")
    first = kept_secrets(CODES, path)
    written = path.read_bytes()
    second = install_secrets(CODES, path)
    assert second.by_code == first.by_code
    assert second.generated == set()
    assert path.read_bytes() == written


def test_a_new_demo_integration_gets_a_secret_and_the_others_keep_theirs(tmp_path):
    path = secrets_path(tmp_path, "a")
    first = kept_secrets(CODES[:2], path)
    second = kept_secrets(CODES, path)
    assert second.generated == set(CODES[2:])
    assert {code: second.by_code[code] for code in CODES[:2]} == first.by_code
    assert json.loads(path.read_text()) == second.by_code


def test_secrets_are_written_only_when_kept(tmp_path):
    path = secrets_path(tmp_path, "a")
    first = install_secrets(CODES, path)
    assert not path.exists()
    assert install_secrets(CODES, path).by_code != first.by_code


def test_a_secrets_file_readable_by_others_is_tightened(tmp_path):
    path = secrets_path(tmp_path, "a")
    kept_secrets(CODES, path)
    path.chmod(0o644)
    install_secrets(CODES, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "content",
    ["", "not json", "[]", '"secret"', '{"fns-ip-registration": ""}', '{"kindergarten-queue": 5}'],
    ids=["empty", "text", "list", "string", "blank-secret", "number"],
)
def test_an_unusable_secrets_file_is_refused_with_what_to_do(tmp_path, content):
    path = secrets_path(tmp_path, "a")
    path.parent.mkdir(parents=True)
    path.write_text(content)
    with pytest.raises(DemoSecretsError, match="Delete it and run `manage.py load_demo` again"):
        install_secrets(CODES, path)
    assert path.read_text() == content


def test_the_demo_integrations_sign_with_the_install_secrets(install_b, load):
    assert load().created["integration secrets"] == len(CODES)
    assert stored_secrets() == kept(install_b)
    assert load().created["integration secrets"] == 0
    assert stored_secrets() == kept(install_b)

    # A database rebuilt from scratch (var/db.sqlite3 deleted) takes the same secrets back.
    Integration.objects.all().delete()
    load()
    assert stored_secrets() == kept(install_b)


def test_a_demo_loaded_with_the_shared_secrets_gets_its_own(install_b, load):
    load()
    Integration.objects.update(
        hmac_secret="secret-every-install-shared", previous_hmac_secret="an-even-older-one"
    )
    install_b.DEMO_SECRETS_PATH.unlink()  # as before secrets were per install: no file
    load()
    assert stored_secrets() == kept(install_b)
    assert set(Integration.objects.values_list("previous_hmac_secret", flat=True)) == {""}


def test_a_failed_load_keeps_no_secrets_so_the_next_one_still_replaces_the_shared_ones(
    install_b, load, django_capture_on_commit_callbacks
):
    load()
    Integration.objects.update(hmac_secret="secret-every-install-shared")
    install_b.DEMO_SECRETS_PATH.unlink()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ensure_integrations(Tally())
        raise RuntimeError("a later step of load_demo failed")
    assert not install_b.DEMO_SECRETS_PATH.exists()
    assert set(stored_secrets().values()) == {"secret-every-install-shared"}
    load()
    assert stored_secrets() == kept(install_b)


def test_a_secret_an_admin_rotated_survives_a_reload(install_b, load):
    load()
    integration = Integration.objects.get(code="kindergarten-queue")
    integration.previous_hmac_secret = integration.hmac_secret
    integration.hmac_secret = "the-admins-new-secret"
    integration.save()
    load()
    integration.refresh_from_db()
    assert integration.hmac_secret == "the-admins-new-secret"
    assert integration.previous_hmac_secret == kept(install_b)["kindergarten-queue"]


def test_endpoints_follow_the_simulator_port(install_b, load):
    load()
    Integration.objects.filter(code="fns-ip-registration").update(
        endpoint_url="https://fns.example.ru/api/registration/"
    )
    install_b.AGENCY_SIMULATOR_URL = "http://127.0.0.1:8799/"
    for _ in range(2):  # the second load changes nothing more
        load()
        endpoints = dict(Integration.objects.values_list("code", "endpoint_url"))
        assert endpoints == {
            code: f"http://127.0.0.1:8799/{code}/"
            for code in CODES
            if code != "fns-ip-registration"
        } | {"fns-ip-registration": "https://fns.example.ru/api/registration/"}


def test_an_application_signed_by_another_install_is_refused_by_this_simulator(
    install_b, load, tmp_path
):
    load()
    code = "rosreestr-egrn-extract"
    config = SimulatorConfig(integrations=integrations_from_database())
    with AgencySimulator(config, port=0) as simulator:
        install_b.AGENCY_SIMULATOR_URL = f"{simulator.url}/"
        load()  # `make run` with SIMULATOR_PORT at the simulator's port
        ours = Integration.objects.get(code=code)
        assert ours.endpoint_url == f"{simulator.url}/{code}/"
        # Install A's copy of the integration, still pointed at B's simulator.
        theirs = Integration(
            code=code,
            endpoint_url=ours.endpoint_url,
            hmac_secret=kept_secrets(CODES, secrets_path(tmp_path, "a")).by_code[code],
            timeout_seconds=5,
        )
        body = json.dumps(EGRN_REQUEST, ensure_ascii=False).encode()

        def deliver(integration, number):
            delivery = Delivery(
                integration=integration,
                application=Application(number=number),
                idempotency_key=uuid.uuid4(),
            )
            return post(delivery, body)

        refused = deliver(theirs, "40-2026-000001")
        assert (refused.kind, refused.http_status) == (AttemptOutcome.FAILED, 401)
        assert "The signature does not match." in refused.error
        accepted = deliver(ours, "40-2026-000002")
        assert (accepted.kind, accepted.http_status) == (AttemptOutcome.DELIVERED, 201)
        assert [record.application_number for record in simulator.store.all()] == ["40-2026-000002"]


def _settings_env(tmp_path, **variables):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SIMULATOR_PORT", "AGENCY_SIMULATOR_URL", "DATABASE_URL")
    }
    return env | {"CONSTRUCTOR_VAR_DIR": str(tmp_path / "var"), "TMPDIR": str(tmp_path)} | variables


def _run(args, env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("port", "expected"), [(None, 8765), ("8799", 8799)])
def test_simulator_port_moves_the_simulator_and_its_address(tmp_path, port, expected):
    variables = {} if port is None else {"SIMULATOR_PORT": port}
    env = _settings_env(tmp_path, DJANGO_SETTINGS_MODULE="constructor.settings.dev", **variables)
    result = _run(
        [
            "-c",
            "from constructor.settings import base; "
            "print(base.SIMULATOR_PORT, base.AGENCY_SIMULATOR_URL)",
        ],
        env,
    )
    assert result.stdout.split() == [str(expected), f"http://127.0.0.1:{expected}/"], result.stderr
    help_text = _run(["manage.py", "agency_simulator", "--help"], env)
    assert f"(default {expected}: SIMULATOR_PORT" in " ".join(help_text.stdout.split())


@pytest.mark.parametrize("port", ["eighty", "0", "65536", "-1", "８７６５"])
def test_a_simulator_port_that_is_no_port_is_refused_by_name(tmp_path, port):
    env = _settings_env(tmp_path, SIMULATOR_PORT=port)
    result = _run(["-c", "import constructor.settings.base"], env)
    assert result.returncode != 0
    assert f"SIMULATOR_PORT must be a port number from 1 to 65535, not {port!r}." in result.stderr
