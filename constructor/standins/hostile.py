"""Hostile answers: bodies the agency simulator can answer with that no client should trust.

Agency systems, and the proxies in front of them, sometimes answer with bodies a careless
client chokes on. With the simulator's ``hostile_answer`` switch set to one of ``ANSWERS``,
a delivery is handled as usual (stored and answered 201, or 500 with ``fail_500``) and the
status goes out with that body instead of the usual JSON:

* ``nested_json``: 60 000 "[" labelled JSON (Python's parser recurses once per level);
* ``huge``: 32 MiB, streamed as fast as the client reads;
* ``binary``: bytes that are not UTF-8, NUL and control bytes among them, labelled JSON;
* ``gzip_bomb``: ``Content-Encoding: gzip``, 64 KiB that inflate to 64 MiB of zeros;
* ``slow_drip``: declares 100 000 bytes and sends one every 0.1 s, quicker than any read
  timeout, until the client goes or ``hang_seconds`` pass;
* ``reset_halfway``: half of the declared Content-Length, then a TCP reset;
* ``lying_length``: declares ten times the bytes it sends, then closes.

Each writer raises OSError when the client has gone; the handler logs that.
"""

import os
import socket
import struct
import time
import zlib
from functools import cache

HUGE_BYTES = 32 * 1024 * 1024
BOMB_INFLATED_BYTES = 64 * 1024 * 1024
DRIP_BYTES = 100_000
DRIP_SECONDS = 0.1
_BLOCK = 64 * 1024
_ERROR_TEXT = b'{"error": "Simulated hostile answer: '


def _start(handler, status, length, content_type="application/json; charset=utf-8", **extra):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(length))
    for name, value in extra.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()


def nested_json(handler, status):
    body = b"[" * 60_000
    _start(handler, status, len(body))
    handler.wfile.write(body)


def huge(handler, status):
    _start(handler, status, HUGE_BYTES)
    handler.wfile.write(_ERROR_TEXT)
    sent = len(_ERROR_TEXT)
    block = b"x" * _BLOCK
    while sent < HUGE_BYTES and not handler.simulator.stopping.is_set():
        piece = block[: HUGE_BYTES - sent]
        handler.wfile.write(piece)
        sent += len(piece)


def binary(handler, status):
    body = b"\xff\xfe\x00\x00" + bytes(range(256)) * 8 + b"\xc3\x28\xa0\xa1\xed\xa0\x80"
    _start(handler, status, len(body))
    handler.wfile.write(body)


@cache
def _gzip_bomb():
    """Gzip members, each 1 MiB of zeros, one after the other: a valid gzip stream (members
    may follow each other) made in milliseconds, not by compressing 64 MiB per request."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    member = compressor.compress(bytes(1024 * 1024)) + compressor.flush()
    return member * (BOMB_INFLATED_BYTES // (1024 * 1024))


def gzip_bomb(handler, status):
    body = _gzip_bomb()
    _start(handler, status, len(body), Content_Encoding="gzip")
    handler.wfile.write(body)


def slow_drip(handler, status):
    _start(handler, status, DRIP_BYTES)
    simulator = handler.simulator
    until = time.monotonic() + simulator.config.hang_seconds
    body = _ERROR_TEXT + b"." * (DRIP_BYTES - len(_ERROR_TEXT))
    for index in range(DRIP_BYTES):
        if time.monotonic() > until or simulator.stopping.is_set():
            return
        handler.wfile.write(body[index : index + 1])
        simulator.pause(DRIP_SECONDS)


def reset_halfway(handler, status):
    body = _ERROR_TEXT + b"." * 2000 + b'"}'
    _start(handler, status, len(body))
    handler.wfile.write(body[: len(body) // 2])
    connection = handler.connection
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # Closed here, not by the server, which would send a FIN first: with no linger, the
    # kernel answers with a reset. Detached, so the server's own close finds nothing to close.
    os.close(connection.detach())


def lying_length(handler, status):
    body = _ERROR_TEXT + b'the length is a lie"}'
    _start(handler, status, len(body) * 10)
    handler.wfile.write(body)


WRITERS = {
    "nested_json": nested_json,
    "huge": huge,
    "binary": binary,
    "gzip_bomb": gzip_bomb,
    "slow_drip": slow_drip,
    "reset_halfway": reset_halfway,
    "lying_length": lying_length,
}
ANSWERS = tuple(WRITERS)


def answer(handler, status, name):
    """Send ``status`` with the hostile body ``name`` and close the connection afterwards."""
    handler.close_connection = True
    WRITERS[name](handler, status)
