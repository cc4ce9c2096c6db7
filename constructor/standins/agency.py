"""A stand-in for agency systems: a real HTTP server on loopback.

The delivery worker, the demo and the reliability test talk to it exactly as they would talk to
an agency: ``POST /<integration code>/`` with a JSON body, an HMAC-SHA256 signature over
``f"{timestamp}." + body`` in ``X-Signature`` (hex), the Unix time in ``X-Timestamp`` and an
``Idempotency-Key``. It takes plain data (codes, schemas, secrets), not Django models, so it can
be tested and embedded without a database; ``manage.py agency_simulator`` feeds it from the
``Integration`` table.

Switches make it misbehave the ways real agencies do: answer 500, hang past the client's
timeout, drop the connection without answering, answer slowly, or answer with a hostile body
(deeply nested, huge, binary, a gzip bomb, dripping, broken off, lying about its length:
hostile.py). They are set at start and
changed at run time with ``POST /_control`` (loopback clients only); ``GET /_received`` returns
what was stored.

Like a real agency it answers back: with ``callback_base`` set, every newly stored application
(never a replay) gets signed status callbacks, ``POST <callback_base>/api/v1/applications/
<X-Application-Number>/status``, one per ``CallbackStep`` after its delay, each with its own
``event_id``, retried a few times when the connection fails or the server answers 5xx.
``GET /documents/<reference>`` serves the "result document" a ``completed`` callback links to.
"""

import ipaddress
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from jsonschema import Draft202012Validator

from constructor.integrations import signing
from constructor.standins import hostile

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
    # "" or one of hostile.ANSWERS: the body every delivery is answered with.
    hostile_answer: str = ""

    def update(self, changes: dict) -> None:
        known = [f.name for f in fields(self)]
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(f"Unknown switches: {', '.join(unknown)}. Known: {', '.join(known)}.")
        for name, value in changes.items():
            expected = type(getattr(Switches(), name))
            if type(value) is not expected or (expected is int and value < 0):
                raise ValueError(f"Switch {name!r} takes a {expected.__name__}, got {value!r}.")
            if name == "hostile_answer" and value not in ("", *hostile.ANSWERS):
                raise ValueError(
                    f"Unknown hostile answer {value!r}. Known: {', '.join(hostile.ANSWERS)}."
                )
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
    application_number: str = ""

    def response_body(self) -> dict:
        return {"reference": self.reference, "received_at": self.received_at}


@dataclass
class SimulatorConfig:
    """Everything the simulator needs, as plain data.

    ``on_received`` is the extension point for agency-side behaviour after a payload is stored:
    each listener is called once per newly stored application, never for replays, from the
    request's thread. Status callbacks are one such listener, added by the simulator itself when
    ``callback_base`` is set; ``callback_plan`` says which statuses follow and when.
    """

    integrations: list[SimulatedIntegration]
    switches: Switches = field(default_factory=Switches)
    hang_seconds: float = 30.0
    store_path: Path | None = None
    on_received: list[Callable[[ReceivedApplication], None]] = field(default_factory=list)
    log: Callable[[str], None] | None = None
    # Status callbacks: none unless a base URL (our site, e.g. http://127.0.0.1:8000) is set.
    callback_base: str = ""
    callback_plan: list["CallbackStep"] = field(default_factory=lambda: list(DEFAULT_PLAN))
    callback_attempts: int = 4
    callback_retry_seconds: float = 0.5
    callback_timeout: float = 10.0


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

    def add(
        self, integration: str, key: str, payload: dict, application_number: str = ""
    ) -> tuple[ReceivedApplication, bool]:
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
                application_number=application_number,
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
        self.callbacks = StatusCallbacks(self) if config.callback_base else None
        self._listeners = list(config.on_received)
        if self.callbacks:
            self._listeners.append(self.callbacks.schedule)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        host = self.server.server_address[0]
        return f"http://{host}:{self.port}"

    @property
    def stopping(self) -> threading.Event:
        return self._stopping

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
        if self.callbacks:
            self.callbacks.join(timeout=self.config.callback_timeout + 1)

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

        # The key is part of what is signed, so without one there is nothing to check.
        key = headers.get("Idempotency-Key", "").strip()
        if not key:
            return 400, {"error": "Missing Idempotency-Key header."}, "no-idempotency-key"
        problem = self._authentication_problem(integration, headers, body)
        if problem:
            return 401, {"error": problem}, "unauthorized"

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

        number = headers.get("X-Application-Number", "").strip()
        record, is_new = self.store.add(code, key, payload, application_number=number)
        if is_new:
            for listener in self._listeners:
                listener(record)
            return 201, record.response_body(), f"stored {record.reference}"
        return 201, record.response_body(), f"replay {record.reference}"

    def _authentication_problem(self, integration, headers, body: bytes) -> str | None:
        signature = headers.get("X-Signature", "").strip()
        timestamp = headers.get("X-Timestamp", "").strip()
        if not signature or not timestamp:
            return "Missing X-Signature or X-Timestamp header."
        if signing.sent_at(timestamp) is None:
            return "X-Timestamp must be Unix time in whole seconds."
        if not signing.fresh(timestamp):
            return "X-Timestamp is more than 5 minutes away from the agency's clock."
        # The delivery's idempotency key is signed with it (signing.py).
        key = headers.get("Idempotency-Key", "").strip()
        if signing.matches(integration.secrets, body, timestamp, signature, key):
            return None
        return "The signature does not match."


@dataclass(frozen=True)
class CallbackStep:
    """One status the simulated agency reports, ``delay`` seconds after it stored the payload."""

    delay: float
    status: str
    message: str = ""
    document_url: str = ""


CALLBACK_STATUSES = ("accepted", "in_progress", "info_needed", "approved", "refused", "completed")

# What the simulated agency says when a status needs words (the citizen reads them).
DEFAULT_MESSAGES = {
    "info_needed": "Приложите, пожалуйста, справку о регистрации ребёнка по месту жительства.",
    "refused": (
        "Отказано: адрес регистрации ребёнка не относится к территории, закреплённой "
        "за выбранной организацией."
    ),
}

DEFAULT_PLAN = (
    CallbackStep(2.0, "accepted"),
    CallbackStep(5.0, "in_progress"),
    CallbackStep(10.0, "approved"),
)


def callback_plan(statuses: str = "", delays: str = "") -> list[CallbackStep]:
    """A plan from comma lists: ``"accepted,in_progress,approved"`` and ``"2,5,10"``.

    A status may carry its message after a colon (``info_needed:Приложите справку``); refused
    and info_needed get a realistic default. ``completed`` links ``/documents/<reference>``
    on the simulator itself (filled in when the callback is sent). Delays count from receipt;
    missing ones continue the last step's spacing.
    """
    names = [part.strip() for part in (statuses or "accepted,in_progress,approved").split(",")]
    names = [name for name in names if name]
    try:
        offsets = [float(part) for part in (delays or "2,5,10").split(",") if part.strip()]
    except ValueError as error:
        raise ValueError(f"Callback delays must be numbers of seconds: {error}.") from None
    if any(offset < 0 for offset in offsets):
        raise ValueError("Callback delays cannot be negative.")
    plan = []
    for index, name in enumerate(names):
        status, _sep, message = name.partition(":")
        status = status.strip()
        if status not in CALLBACK_STATUSES:
            raise ValueError(
                f"Unknown callback status {status!r}. Known: {', '.join(CALLBACK_STATUSES)}."
            )
        if index < len(offsets):
            delay = offsets[index]
        else:
            step = offsets[-1] - offsets[-2] if len(offsets) > 1 else (offsets[-1] or 1.0)
            delay = (plan[-1].delay if plan else 0.0) + step
        plan.append(
            CallbackStep(delay, status, message.strip() or DEFAULT_MESSAGES.get(status, ""))
        )
    return plan


def reachable_base(base: str) -> str:
    """The callback base without its trailing slash; a wildcard listen address (the site
    started on 0.0.0.0) becomes loopback, which the site both listens on and allows as a host."""
    base = base.strip().rstrip("/")
    for wildcard in ("://0.0.0.0", "://[::]"):
        base = base.replace(wildcard, "://127.0.0.1", 1)
    return base


@dataclass
class CallbackResult:
    """How one callback ended: the HTTP status (None: never answered) and the attempts used."""

    application_number: str
    event_id: str
    status: str
    http_status: int | None
    attempts: int
    answer: str = ""


class StatusCallbacks:
    """Posts the plan's status callbacks for each newly stored application, each on a thread."""

    def __init__(self, simulator: "AgencySimulator"):
        self.simulator = simulator
        self.config = simulator.config
        self.base = reachable_base(self.config.callback_base)
        self._lock = threading.Lock()
        self.scheduled: list[str] = []
        self.results: list[CallbackResult] = []
        self._threads: list[threading.Thread] = []

    def schedule(self, record: ReceivedApplication) -> None:
        if not record.application_number:
            self.simulator.log(
                f"{record.reference}: no X-Application-Number header, no status callbacks"
            )
            return
        integration = self.simulator.integrations[record.integration]
        thread = threading.Thread(
            target=self._run,
            args=(record, integration.secrets[0]),
            name=f"callbacks-{record.reference}",
            daemon=True,
        )
        with self._lock:
            self.scheduled.append(record.application_number)
            self._threads.append(thread)
        thread.start()

    def _run(self, record: ReceivedApplication, secret: str) -> None:
        started = time.monotonic()
        for index, step in enumerate(self.config.callback_plan, start=1):
            wait = step.delay - (time.monotonic() - started)
            if wait > 0 and self.simulator.stopping.wait(wait):
                return
            if self.simulator.stopping.is_set():
                return
            result = self.send(record, index, step, secret)
            with self._lock:
                self.results.append(result)

    def body(self, record: ReceivedApplication, index: int, step: CallbackStep) -> dict:
        document_url = step.document_url
        if step.status == "completed" and not document_url:
            document_url = f"{self.simulator.url}/documents/{record.reference}"
        return {
            "event_id": f"{record.reference}-{index}-{step.status}",
            "status": step.status,
            "message": step.message,
            "document_url": document_url,
        }

    def send(
        self, record: ReceivedApplication, index: int, step: CallbackStep, secret: str
    ) -> CallbackResult:
        body_data = self.body(record, index, step)
        body = json.dumps(body_data, ensure_ascii=False).encode()
        url = f"{self.base}/api/v1/applications/{record.application_number}/status"
        attempts = max(1, self.config.callback_attempts)
        http_status, answer = None, ""
        for attempt in range(1, attempts + 1):
            timestamp = str(int(time.time()))
            request = urllib.request.Request(  # noqa: S310 - the configured callback base
                url,
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "X-Timestamp": timestamp,
                    "X-Signature": signing.signature(
                        secret, body, timestamp, record.application_number
                    ),
                },
            )
            try:
                with urllib.request.urlopen(  # noqa: S310
                    request, timeout=self.config.callback_timeout
                ) as response:
                    http_status, answer = (
                        response.status,
                        response.read(2000).decode(errors="replace"),
                    )
            except urllib.error.HTTPError as error:
                http_status, answer = error.code, error.read(2000).decode(errors="replace")
            except (OSError, urllib.error.URLError) as error:
                http_status, answer = None, str(error)
            retry = http_status is None or http_status >= 500
            self.simulator.log(
                f"callback {record.application_number} {step.status} "
                f"(attempt {attempt}/{attempts}): {http_status or 'no answer'} {answer[:200]}"
            )
            if not retry or attempt == attempts:
                break
            pause = self.config.callback_retry_seconds * 2 ** (attempt - 1)
            if self.simulator.stopping.wait(pause):
                break
        return CallbackResult(
            record.application_number,
            body_data["event_id"],
            step.status,
            http_status,
            attempt,
            answer,
        )

    def join(self, timeout: float | None = None) -> None:
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)


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
        if self.path.startswith("/documents/"):
            self._document(self.path.split("?")[0].removeprefix("/documents/").strip("/"))
            return
        self._answer(404, {"error": "Not found."}, "not-found")

    def _document(self, reference: str):
        """The simulated result document a ``completed`` callback links to (plain text)."""
        record = next(
            (r for r in self.simulator.store.all() if r.reference == reference and reference),
            None,
        )
        if record is None:
            self._answer(404, {"error": "No such document."}, "no-document")
            return
        text = (
            f"Результат предоставления услуги\n"
            f"Заявление № {record.application_number or '—'}\n"
            f"Регистрационный номер в ведомстве: {record.reference}\n"
            f"Дата поступления: {record.received_at}\n"
            "Решение: услуга предоставлена.\n"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)
        self._log(f"200 OK: document {reference}")

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
            status, answer, outcome = 500, {"error": "Simulated agency failure."}, "fail-500"
        else:
            status, answer, outcome = self.simulator.receive(code, self.headers, body)
        if switches.hostile_answer:
            self._hostile_answer(status, switches.hostile_answer, outcome)
            return
        self._answer(status, answer, outcome)

    def _hostile_answer(self, status: int, name: str, outcome: str):
        try:
            hostile.answer(self, status, name)
        except OSError:
            self._log(f"{status} {name}: {outcome}; the client went before the end")
            return
        self._log(f"{status} {name}: {outcome}")

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
