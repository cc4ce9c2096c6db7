"""A tiny clamd on loopback: a real socket server speaking the INSTREAM protocol (man clamd).

It answers ``stream: Eicar-Signature FOUND`` when the stream holds the EICAR test string,
``stream: OK`` otherwise, or whatever ``reply`` is set to. ``hang`` makes it read the stream
and never answer (until the test ends), for the client's timeout.
"""

import socket
import socketserver
import struct
import threading

# The EICAR antivirus test string, split so that this source file is not itself "infected".
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def free_port():
    """A loopback port nobody listens on: a scanner that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeClamd:
    def __init__(self, socket_path=None):
        self.streams = []  # every stream received, as the list of its chunks
        self.commands = []
        self.reply = None
        self.hang = False
        self.released = threading.Event()
        handler = self.handler()
        if socket_path:
            self.server = socketserver.ThreadingUnixStreamServer(str(socket_path), handler)
            self.options = {"socket_path": str(socket_path)}
        else:
            self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
            self.options = {"host": "127.0.0.1", "port": self.server.server_address[1]}
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def setting(self):
        return {"BACKEND": "constructor.formbuilder.scanning.ClamdScanner", "OPTIONS": self.options}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def handler(self):
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                command = b""
                while not command.endswith(b"\0"):
                    byte = self.rfile.read(1)
                    if not byte:
                        return
                    command += byte
                fake.commands.append(command)
                if command != b"zINSTREAM\0":
                    self.wfile.write(b"UNKNOWN COMMAND\0")
                    return
                chunks = []
                while True:
                    (length,) = struct.unpack("!L", self.rfile.read(4))
                    if length == 0:
                        break
                    chunks.append(self.rfile.read(length))
                fake.streams.append(chunks)
                if fake.hang:
                    fake.released.wait()
                    return
                if fake.reply is not None:
                    answer = fake.reply
                elif EICAR in b"".join(chunks):
                    answer = b"stream: Eicar-Signature FOUND"
                else:
                    answer = b"stream: OK"
                self.wfile.write(answer + b"\0")

        return Handler
