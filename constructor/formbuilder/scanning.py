"""The malware scanner that sees every citizen's upload before it is kept.

``UPLOAD_SCANNER`` names the backend, the way ``STORAGES`` and ``CACHES`` do::

    UPLOAD_SCANNER = {
        "BACKEND": "constructor.formbuilder.scanning.ClamdScanner",
        "OPTIONS": {"host": "clamav", "port": 3310},   # or {"socket_path": "/run/clamd.sock"}
    }

A backend is an ``UploadScanner``: ``scan(chunks)`` returns the name of what it found, or None
for a clean file, and raises ``ScannerUnavailable`` when it cannot say. An upload the scanner
could not check is refused with "try again later" (``uploads.scan``): an unscanned file never
slips through because the scanner was down.

The embedded default configures no scanner (``None``): uploads are accepted unscanned, and the
system check below says so whenever Django starts and in ``manage.py check --deploy``.
Production settings always name ClamAV.

``ClamdScanner`` speaks clamd's documented INSTREAM protocol (``man clamd``) itself: the
long-standing Python clients (clamd, last released 2014; pyclamd, 2017) are unmaintained, and
the protocol is small: a command, length-prefixed chunks, a zero-length chunk, a one-line answer.
"""

import socket
import struct

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict: unreachable, timed out, or answered an error."""


class UploadScanner:
    """A malware scanner backend. ``OPTIONS`` from the setting arrive as keyword arguments."""

    def scan(self, chunks):
        """The name of the malware found in the bytes of ``chunks``, or None when clean."""
        raise NotImplementedError


class ClamdScanner(UploadScanner):
    """ClamAV's daemon over TCP (``host``, ``port``) or a unix socket (``socket_path``)."""

    # clamd reads a stream in chunks of at most this size per length prefix.
    chunk_size = 64 * 1024
    # "stream: <signature> FOUND" is short; anything longer is not a clamd answer.
    max_reply = 4096

    def __init__(self, host=None, port=3310, socket_path=None, timeout=30):
        if bool(host) == bool(socket_path):
            raise ImproperlyConfigured("ClamdScanner needs either host (and port) or socket_path.")
        self.host, self.port, self.socket_path, self.timeout = host, int(port), socket_path, timeout

    def __str__(self):
        return f"clamd at {self.socket_path or f'{self.host}:{self.port}'}"

    def connect(self):
        if self.socket_path:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(self.timeout)
            try:
                connection.connect(self.socket_path)
            except OSError:
                connection.close()
                raise
            return connection
        return socket.create_connection((self.host, self.port), timeout=self.timeout)

    def scan(self, chunks):
        try:
            with self.connect() as connection:
                connection.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    for start in range(0, len(chunk), self.chunk_size):
                        piece = chunk[start : start + self.chunk_size]
                        connection.sendall(struct.pack("!L", len(piece)) + piece)
                connection.sendall(struct.pack("!L", 0))
                reply = self.read_reply(connection)
        except OSError as error:
            raise ScannerUnavailable(f"{self}: {error}") from error
        return self.verdict(reply)

    def read_reply(self, connection):
        reply = b""
        while b"\0" not in reply and len(reply) < self.max_reply:
            data = connection.recv(self.max_reply)
            if not data:
                break
            reply += data
        return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def verdict(self, reply):
        """``stream: OK`` is clean, ``stream: <name> FOUND`` infected; anything else an error."""
        if reply == "stream: OK":
            return None
        if reply.startswith("stream: ") and reply.endswith(" FOUND"):
            return reply[len("stream: ") : -len(" FOUND")].strip() or "unknown"
        raise ScannerUnavailable(f"{self} answered {reply[:200]!r}")


def upload_scanner():
    """The configured scanner, or None when uploads are not scanned (the embedded default)."""
    config = getattr(settings, "UPLOAD_SCANNER", None)
    if not config:
        return None
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


@checks.register(checks.Tags.security)
def check_upload_scanner(app_configs=None, **kwargs):
    """Say, at every start, that uploads go unscanned; refuse a scanner setting that cannot work."""
    if not getattr(settings, "UPLOAD_SCANNER", None):
        return [
            checks.Warning(
                "Citizens' uploads are not scanned for malware.",
                hint="Set UPLOAD_SCANNER, e.g. to constructor.formbuilder.scanning.ClamdScanner "
                "(production settings read CLAMAV_HOST/CLAMAV_PORT or CLAMAV_SOCKET).",
                id="formbuilder.W001",
            )
        ]
    try:
        upload_scanner()
    except (ImportError, ImproperlyConfigured, KeyError, TypeError, ValueError) as error:
        return [
            checks.Error(
                f"UPLOAD_SCANNER cannot be used: {error}",
                hint="Name a backend class and its OPTIONS (constructor/formbuilder/scanning.py).",
                id="formbuilder.E001",
            )
        ]
    return []
