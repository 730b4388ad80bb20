"""A real HTTP receiver for webhook tests: a server on a free port in a thread, answering each
POST as its script says (a status code, or "slow": an answer later than the sender waits) and
recording what arrived."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int | str

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        """The five lines of the README: check X-Auditor-Signature against the raw body."""
        expected = hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers["X-Auditor-Signature"], f"sha256={expected}")


@dataclass
class Receiver:
    url: str
    script: list[int | str]
    slow_seconds: float
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self) -> int | str:
        with self.lock:
            return self.script.pop(0) if self.script else 200

    def delivered(self) -> list[Received]:
        """What was answered 2xx, in order."""
        with self.lock:
            return [r for r in self.received if isinstance(r.answered, int) and r.answered < 300]

    def all(self) -> list[Received]:
        with self.lock:
            return list(self.received)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            answer = receiver.next_answer()
            with receiver.lock:
                receiver.received.append(Received(dict(self.headers.items()), body, answer))
            if answer == "slow":
                time.sleep(receiver.slow_seconds)
                answer = 200  # too late: the sender stopped waiting
            try:
                self.send_response(int(answer))
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:
                pass  # the sender hung up first

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def receiving(script: list[int | str] | None = None, slow_seconds: float = 3) -> Iterator[Receiver]:
    """A receiver on 127.0.0.1 and a free port for the duration of the block."""
    receiver = Receiver("", list(script or []), slow_seconds)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/auditor"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
