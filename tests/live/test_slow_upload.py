"""A slow upload holds one thread, not the worker: /healthz answers while it trickles in."""

import socket
import threading
import time
import urllib.request

import pytest

from tests.live.conftest import LiveServer

# the worker model of `make run` and the README's deployment section
WORKER_MODEL = "--worker-class gthread --threads 4 --timeout 30 --keep-alive 5"


@pytest.fixture
def one_worker(data_app, database_uri, tmp_path):
    """gunicorn with a single worker: whatever a slow client holds, no other worker helps."""
    server = LiveServer(database_uri, str(tmp_path), workers=1)
    server.env["GUNICORN_CMD_ARGS"] = WORKER_MODEL
    yield server.start()
    server.stop()


def trickle(port: int, stop: threading.Event) -> None:
    """A photo upload whose client sends a byte every 50 ms (a phone on a bad network)."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(
            b"PUT /api/v1/audits/00000000-0000-4000-8000-000000000000/photos/"
            b"00000000-0000-4000-8000-000000000001 HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: image/jpeg\r\nContent-Length: 20000000\r\n"
        )
        while not stop.is_set():
            connection.sendall(b"X-Slow: 1\r\n"[:1])
            time.sleep(0.05)


def test_healthz_answers_during_a_slow_upload(one_worker):
    stop = threading.Event()
    uploader = threading.Thread(target=trickle, args=(one_worker.port, stop), daemon=True)
    uploader.start()
    try:
        time.sleep(0.5)  # the upload is in flight
        started = time.monotonic()
        with urllib.request.urlopen(one_worker.base + "/healthz", timeout=10) as response:
            status = response.status
        waited = time.monotonic() - started
    finally:
        stop.set()
        uploader.join(5)
    assert status == 200
    assert waited < 2, f"/healthz waited {waited:.1f} s behind a slow upload"
