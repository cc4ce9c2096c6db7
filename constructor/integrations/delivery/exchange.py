"""One POST to an agency, held to one deadline and one size, whatever comes back.

The answer is outside our control: it may never come, come one byte at a time, be gigabytes
long, lie about its length or break off halfway. A socket timeout bounds each read, not the
exchange, so an answer dripping a byte a second would hold a worker for days and outlive the
delivery's lease. Here the whole exchange, from connecting to the last byte read, has one
deadline: a watchdog timer shuts the socket down when it passes, which ends whatever read or
write is blocked, in the TLS handshake too. At most ``limit`` bytes of the body are read.
Nothing is decompressed (``Accept-Encoding: identity``; a compressed answer stays bytes), so
a gzip bomb is a few kilobytes of binary. Redirects are not followed: a 3xx is the agency's
answer like any other, and following it would send the signed request elsewhere.

http.client rather than urllib: the watchdog needs the connection's socket, and none of
urllib's machinery (proxies, redirects, handlers) is wanted here.
"""

import contextlib
import http.client
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

CHUNK_BYTES = 16 * 1024


class NoAnswer(Exception):
    """No status line came back; ``reason`` says why, for the attempt's error text."""

    def __init__(self, reason=""):
        super().__init__(reason)
        self.reason = reason


class CouldNotConnect(NoAnswer):
    pass


class TimedOut(NoAnswer):
    pass


class ConnectionLost(NoAnswer):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most the limit
    whole: bool  # the body arrived entirely, within the limit and before the deadline
    charset: str | None  # as the Content-Type names it, if it does


class _Deadline:
    """Shuts the connection's socket down once the exchange's time is up."""

    def __init__(self, connection, seconds):
        self.connection = connection
        self.passed = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self):
        self.passed = True  # set first: the exchange checks it after each blocking step
        sock = self.connection.sock
        if sock is not None:
            # The plain socket's shutdown, also under TLS: it wakes a blocked read at once.
            with contextlib.suppress(OSError):  # already closed
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def check(self):
        if self.passed:
            raise TimedOut()

    def cancel(self):
        self._timer.cancel()


def describe(error):
    return str(error) or type(error).__name__


def post(url, body, headers, *, seconds, limit):
    """POST ``body`` to ``url``; the Answer, or a NoAnswer subclass saying why there is none."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CouldNotConnect("the endpoint address must start with http:// or https://")
    try:
        port = parts.port
    except ValueError as error:
        raise CouldNotConnect(describe(error)) from None
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, port, timeout=seconds)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    deadline = _Deadline(connection, seconds)
    try:
        try:
            connection.connect()
        except OSError as error:
            deadline.check()
            if isinstance(error, TimeoutError):
                raise TimedOut() from None
            raise CouldNotConnect(describe(error)) from None
        deadline.check()
        try:
            connection.request(
                "POST",
                target,
                body=body,
                headers={**headers, "Accept-Encoding": "identity", "Connection": "close"},
            )
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as error:
            deadline.check()
            if isinstance(error, TimeoutError):
                raise TimedOut() from None
            raise ConnectionLost(describe(error)) from None
        data, whole = read_body(response, limit, deadline)
        return Answer(response.status, data, whole, response.headers.get_content_charset())
    finally:
        deadline.cancel()
        connection.close()


def read_body(response, limit, deadline):
    """Up to ``limit`` bytes of the body and whether that was all of it; never raises.

    ``read1`` returns after one read of the socket, so neither a lying Content-Length nor a
    slow drip keeps this loop past the deadline (the watchdog ends the read in progress).
    """
    chunks, size = [], 0
    try:
        while size < limit:
            chunk = response.read1(min(CHUNK_BYTES, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except http.client.IncompleteRead as error:
        chunks.append(error.partial[: limit - size])
        return b"".join(chunks), False
    except (OSError, http.client.HTTPException):
        return b"".join(chunks), False
    # A known length left unread means the answer broke off (or was cut at the limit);
    # an unknown length (read until closed, chunked) ends cleanly only with the sender.
    whole = not deadline.passed and not response.length
    if size >= limit:
        whole = whole and response.length == 0
    return b"".join(chunks), whole
