"""A stand-in for agency systems: a real HTTP server on loopback.

The delivery worker, the demo and the reliability test talk to it exactly as they would talk to
an agency: ``POST /<integration code>/`` with a JSON body, an HMAC-SHA256 signature over
``f"{timestamp}." + body`` in ``X-Signature`` (hex), the Unix time in ``X-Timestamp`` and an
``Idempotency-Key``. It takes plain data (codes, schemas, secrets), not Django models, so it can
be tested and embedded without a database; ``manage.py agency_simulator`` feeds it from the
``Integration`` table.

Switches make it misbehave the ways real agencies do: answer 500, hang past the client's
timeout, drop the connection without answering, or answer slowly. They are set at start and
changed at run time with ``POST /_control`` (loopback clients only); ``GET /_received`` returns
what was stored.
"""

import hmac
import ipaddress
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from jsonschema import Draft202012Validator

from constructor.integrations import signing

MAX_TIMESTAMP_AGE_SECONDS = 5 * 60
MAX_BODY_BYTES = 1024 * 1024


def is_loopback_client(host: str) -> bool:
    """Control endpoints change behaviour and expose personal data: loopback callers only."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass(frozen=True)
class SimulatedIntegration:
    """One agency endpoint: its code (the URL path), payload schema and accepted secrets.

    ``secrets`` holds the current secret and, during a rotation, the previous one; a signature
    made with any of them is accepted.
    """

    code: str
    payload_schema: dict
    secrets: tuple[str, ...]

    def __post_init__(self):
        Draft202012Validator.check_schema(self.payload_schema)
        object.__setattr__(self, "secrets", tuple(secret for secret in self.secrets if secret))
        if not self.secrets:
            raise ValueError(f"Integration {self.code!r} has no HMAC secret to verify with.")

    def validator(self) -> Draft202012Validator:
        return Draft202012Validator(
            self.payload_schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )


@dataclass
class Switches:
    """How the simulator misbehaves; every field can be changed through ``POST /_control``."""

    fail_500: bool = False
    hang: bool = False
    down: bool = False
    delay_ms: int = 0

    def update(self, changes: dict) -> None:
        known = [f.name for f in fields(self)]
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(f"Unknown switches: {', '.join(unknown)}. Known: {', '.join(known)}.")
        for name, value in changes.items():
            expected = int if name == "delay_ms" else bool
            if type(value) is not expected or (expected is int and value < 0):
                raise ValueError(f"Switch {name!r} takes a {expected.__name__}, got {value!r}.")
        for name, value in changes.items():
            setattr(self, name, value)


@dataclass
class ReceivedApplication:
    """What the simulator stored for one accepted payload."""

    reference: str
    integration: str
    idempotency_key: str
    received_at: str
    payload: dict

    def response_body(self) -> dict:
        return {"reference": self.reference, "received_at": self.received_at}


@dataclass
class SimulatorConfig:
    """Everything the simulator needs, as plain data.

    ``on_received`` is the extension point for agency-side behaviour after a payload is stored
    (the delivery slice hooks status callbacks here): each listener is called once per newly
    stored application, never for replays, from the request's thread.
    """

    integrations: list[SimulatedIntegration]
    switches: Switches = field(default_factory=Switches)
    hang_seconds: float = 30.0
    store_path: Path | None = None
    on_received: list[Callable[[ReceivedApplication], None]] = field(default_factory=list)
    log: Callable[[str], None] | None = None


class ReceivedStore:
    """Accepted payloads, by integration and idempotency key, optionally mirrored to JSON lines.

    A store reopened on the same file remembers earlier keys, so a restarted simulator still
    answers replays with the original reference instead of storing a second copy.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._records: list[ReceivedApplication] = []
        self._by_key: dict[tuple[str, str], ReceivedApplication] = {}
        if self.path and self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self._remember(ReceivedApplication(**json.loads(line)))

    def _remember(self, record: ReceivedApplication) -> None:
        self._records.append(record)
        self._by_key[(record.integration, record.idempotency_key)] = record

    def find(self, integration: str, key: str) -> ReceivedApplication | None:
        with self._lock:
            return self._by_key.get((integration, key))

    def add(self, integration: str, key: str, payload: dict) -> tuple[ReceivedApplication, bool]:
        """Store a payload unless the key was seen; returns the record and whether it is new."""
        with self._lock:
            existing = self._by_key.get((integration, key))
            if existing:
                return existing, False
            record = ReceivedApplication(
                reference=f"SIM-{len(self._records) + 1:08d}",
                integration=integration,
                idempotency_key=key,
                received_at=datetime.now(UTC).isoformat(timespec="seconds"),
                payload=payload,
            )
            if self.path:
                with self.path.open("a", encoding="utf-8") as stream:
                    stream.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            self._remember(record)
            return record, True

    def all(self) -> list[ReceivedApplication]:
        with self._lock:
            return list(self._records)


class AgencySimulator:
    """The simulator server. ``start()`` serves from a thread; ``serve_forever()`` blocks."""

    def __init__(self, config: SimulatorConfig, host: str = "127.0.0.1", port: int = 0):
        self.config = config
        self.integrations = {integration.code: integration for integration in config.integrations}
        self._validators = {code: i.validator() for code, i in self.integrations.items()}
        self.store = ReceivedStore(config.store_path)
        self._switch_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.server = _SimulatorServer((host, port), _SimulatorHandler)
        self.server.simulator = self

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        host = self.server.server_address[0]
        return f"http://{host}:{self.port}"

    def switches(self) -> Switches:
        with self._switch_lock:
            return Switches(**asdict(self.config.switches))

    def set_switches(self, **changes) -> Switches:
        with self._switch_lock:
            self.config.switches.update(changes)
        return self.switches()

    def start(self) -> "AgencySimulator":
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="agency-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self.server.serve_forever()
        finally:
            self._stopping.set()
            self.server.server_close()

    def stop(self) -> None:
        """Stop serving; requests that are hanging or delayed give up at once."""
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()
        if self._thread:
            self._thread.join()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def log(self, line: str) -> None:
        if self.config.log:
            self.config.log(line)

    def pause(self, seconds: float) -> None:
        """Wait as a slow or hanging agency would, but never past shutdown."""
        self._stopping.wait(seconds)

    def receive(self, code: str, headers, body: bytes) -> tuple[int, dict, str]:
        """Handle one delivery; returns the status, the JSON answer and a word for the log."""
        integration = self.integrations.get(code)
        if integration is None:
            return 404, {"error": f"No integration with code {code!r}."}, "unknown-integration"

        problem = self._authentication_problem(integration, headers, body)
        if problem:
            return 401, {"error": problem}, "unauthorized"

        key = headers.get("Idempotency-Key", "").strip()
        if not key:
            return 400, {"error": "Missing Idempotency-Key header."}, "no-idempotency-key"
        original = self.store.find(code, key)
        if original:
            return 201, original.response_body(), f"replay {original.reference}"

        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return 400, {"error": f"The body is not valid JSON: {error}."}, "bad-json"
        errors = self._validators[code].iter_errors(payload)
        listed = sorted(
            ({"path": _json_pointer(e.absolute_path), "message": e.message} for e in errors),
            key=lambda error: (error["path"], error["message"]),
        )
        if listed:
            return (
                422,
                {"error": "The payload does not match the schema.", "errors": listed},
                "invalid",
            )

        record, is_new = self.store.add(code, key, payload)
        if is_new:
            for listener in self.config.on_received:
                listener(record)
            return 201, record.response_body(), f"stored {record.reference}"
        return 201, record.response_body(), f"replay {record.reference}"

    def _authentication_problem(self, integration, headers, body: bytes) -> str | None:
        signature = headers.get("X-Signature", "").strip().lower().removeprefix("sha256=")
        timestamp = headers.get("X-Timestamp", "").strip()
        if not signature or not timestamp:
            return "Missing X-Signature or X-Timestamp header."
        try:
            sent_at = int(timestamp)
        except ValueError:
            return "X-Timestamp must be Unix time in whole seconds."
        if abs(time.time() - sent_at) > MAX_TIMESTAMP_AGE_SECONDS:
            return "X-Timestamp is more than 5 minutes away from the agency's clock."
        for secret in integration.secrets:
            if hmac.compare_digest(signing.signature(secret, body, timestamp), signature):
                return None
        return "The signature does not match."


def _json_pointer(path) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


class _SimulatorServer(ThreadingHTTPServer):
    # The default backlog of 5 makes bursts of deliveries wait a second for a SYN retry.
    request_queue_size = 128


class _SimulatorHandler(BaseHTTPRequestHandler):
    server_version = "AgencySimulator/1.0"
    protocol_version = "HTTP/1.1"

    @property
    def simulator(self) -> AgencySimulator:
        return self.server.simulator

    def log_message(self, format, *args):
        """Silenced: the simulator logs one line per request itself."""

    def do_GET(self):
        if self.path.split("?")[0] == "/_received":
            if not self._from_loopback():
                return
            records = [asdict(record) for record in self.simulator.store.all()]
            self._answer(200, {"received": records}, f"{len(records)} records")
            return
        self._answer(404, {"error": "Not found."}, "not-found")

    def do_POST(self):
        body = self._read_body()
        if body is None:
            return
        path = self.path.split("?")[0]
        if path == "/_control":
            self._control(body)
            return
        code = path.strip("/")
        if not code or "/" in code:
            self._answer(404, {"error": "Not found."}, "not-found")
            return
        switches = self.simulator.switches()
        if switches.delay_ms:
            self.simulator.pause(switches.delay_ms / 1000)
        if switches.down:
            self.close_connection = True
            self._log("down: closed without answering")
            return
        if switches.hang:
            self.simulator.pause(self.simulator.config.hang_seconds)
            self._answer(504, {"error": "Simulated hang."}, "hang")
            return
        if switches.fail_500:
            self._answer(500, {"error": "Simulated agency failure."}, "fail-500")
            return
        status, answer, outcome = self.simulator.receive(code, self.headers, body)
        self._answer(status, answer, outcome)

    def _control(self, body: bytes):
        if not self._from_loopback():
            return
        try:
            changes = json.loads(body or b"{}")
            if not isinstance(changes, dict):
                raise ValueError("The body must be a JSON object of switches.")
            switches = self.simulator.set_switches(**changes)
        except ValueError as error:
            self._answer(400, {"error": str(error)}, "bad-control")
            return
        self._answer(200, {"switches": asdict(switches)}, f"switches {asdict(switches)}")

    def _from_loopback(self) -> bool:
        if is_loopback_client(self.client_address[0]):
            return True
        self._answer(403, {"error": "Only loopback clients may use this endpoint."}, "forbidden")
        return False

    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            self._answer(413, {"error": "Content-Length is missing or too large."}, "bad-length")
            return None
        return self.rfile.read(length)

    def _answer(self, status: int, answer: dict, outcome: str):
        data = json.dumps(answer, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            self._log(f"{status}: the client had already gone")
            return
        self._log(f"{status} {HTTPStatus(status).phrase}: {outcome}")

    def _log(self, outcome: str):
        self.simulator.log(f'{self.client_address[0]} "{self.command} {self.path}" {outcome}')
