"""The ClamAV client against a real socket server speaking clamd's INSTREAM protocol."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from constructor.formbuilder.scanning import (
    ClamdScanner,
    ScannerUnavailable,
    check_upload_scanner,
    upload_scanner,
)
from tests.formbuilder.fake_clamd import EICAR, FakeClamd, free_port

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def clamd():
    with FakeClamd() as server:
        yield server


def test_a_clean_stream_is_clean(clamd):
    scanner = ClamdScanner(**clamd.options)
    assert scanner.scan([b"%PDF-1.7 a plain document"]) is None
    assert clamd.commands == [b"zINSTREAM\0"]
    assert b"".join(clamd.streams[0]) == b"%PDF-1.7 a plain document"


def test_the_eicar_test_file_is_found_and_named(clamd):
    assert ClamdScanner(**clamd.options).scan([b"prefix ", EICAR]) == "Eicar-Signature"


def test_a_large_file_goes_in_chunks_no_bigger_than_the_protocol_chunk(clamd):
    data = os.urandom(ClamdScanner.chunk_size * 3 + 17)
    assert ClamdScanner(**clamd.options).scan([data]) is None
    chunks = clamd.streams[0]
    assert b"".join(chunks) == data
    assert len(chunks) == 4
    assert max(len(chunk) for chunk in chunks) == ClamdScanner.chunk_size


def test_a_unix_socket_works_the_same(tmp_path):
    with FakeClamd(socket_path=tmp_path / "clamd.sock") as server:
        scanner = ClamdScanner(**server.options)
        assert scanner.scan([EICAR]) == "Eicar-Signature"
        assert scanner.scan([b"clean"]) is None


def test_nobody_listening_is_unavailable_not_clean():
    with pytest.raises(ScannerUnavailable, match="127.0.0.1"):
        ClamdScanner(host="127.0.0.1", port=free_port(), timeout=2).scan([b"data"])


def test_a_missing_unix_socket_is_unavailable(tmp_path):
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(socket_path=str(tmp_path / "absent.sock")).scan([b"data"])


def test_a_scanner_that_never_answers_times_out_as_unavailable(clamd):
    clamd.hang = True
    with pytest.raises(ScannerUnavailable, match="timed out"):
        ClamdScanner(**clamd.options, timeout=0.5).scan([b"data"])


@pytest.mark.parametrize(
    "reply",
    [
        b"INSTREAM size limit exceeded. ERROR",
        b"stream: Can't allocate memory ERROR",
        b"",
        b"\xff\xfe garbage",
        b"stream: OK and more",
    ],
)
def test_an_error_or_odd_answer_is_unavailable_not_clean(clamd, reply):
    clamd.reply = reply
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(**clamd.options).scan([b"data"])


@pytest.mark.parametrize(
    "options",
    [{}, {"host": "clamav", "socket_path": "/run/clamd.sock"}],
    ids=["nothing", "both"],
)
def test_the_scanner_needs_exactly_one_address(settings, options):
    settings.UPLOAD_SCANNER = {
        "BACKEND": "constructor.formbuilder.scanning.ClamdScanner",
        "OPTIONS": options,
    }
    [error] = check_upload_scanner()
    assert error.id == "formbuilder.E001"
    assert "host" in error.msg


def test_an_unknown_backend_is_a_system_check_error(settings):
    settings.UPLOAD_SCANNER = {"BACKEND": "constructor.nowhere.Scanner"}
    [error] = check_upload_scanner()
    assert error.id == "formbuilder.E001"


def test_no_scanner_is_a_warning_at_startup(settings):
    settings.UPLOAD_SCANNER = None
    assert upload_scanner() is None
    [warning] = check_upload_scanner()
    assert warning.id == "formbuilder.W001"
    assert "not scanned" in warning.msg


def test_a_configured_scanner_is_built_from_the_setting(settings, clamd):
    settings.UPLOAD_SCANNER = clamd.setting
    assert check_upload_scanner() == []
    assert upload_scanner().scan([b"clean"]) is None


def test_the_embedded_default_warns_in_manage_check(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "constructor.settings.dev",
            "CONSTRUCTOR_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "formbuilder.W001" in result.stdout + result.stderr


def production_scanner(env, tmp_path):
    """The UPLOAD_SCANNER production settings build from the given environment."""
    from tests.test_settings import production_env

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from constructor.settings import production; print(production.UPLOAD_SCANNER)",
        ],
        cwd=BASE_DIR,
        env={key: value for key, value in os.environ.items() if not key.startswith("CLAMAV_")}
        | production_env(tmp_path)
        | {"CONSTRUCTOR_VAR_DIR": str(tmp_path)}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_scans_with_clamd_over_tcp_from_the_environment(tmp_path):
    env = {"CLAMAV_HOST": "clamav.internal", "CLAMAV_PORT": "3311"}
    assert production_scanner(env, tmp_path) == (
        "{'BACKEND': 'constructor.formbuilder.scanning.ClamdScanner', "
        "'OPTIONS': {'host': 'clamav.internal', 'port': 3311}}"
    )


def test_production_prefers_the_clamd_socket_and_defaults_to_local_clamd(tmp_path):
    assert "{'socket_path': '/run/clamav/clamd.ctl'}" in production_scanner(
        {"CLAMAV_SOCKET": "/run/clamav/clamd.ctl", "CLAMAV_HOST": "ignored"}, tmp_path
    )
    assert "{'host': 'localhost', 'port': 3310}" in production_scanner({}, tmp_path)
