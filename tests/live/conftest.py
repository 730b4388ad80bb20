"""A real server for tests that need one: gunicorn with several workers on the test database."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """gunicorn serving wsgi:app in its own process group; start, kill and restart it."""

    def __init__(self, database_uri: str, media_dir: str, workers: int = 3):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {
            **os.environ,
            "DATABASE_URL": database_uri,
            "MEDIA_DIR": media_dir,
            "SECRET_KEY": "live-test-secret",
            "AUDITOR_ENV": "development",
            "PASSWORD_TIME_COST": "1",
            "PASSWORD_MEMORY_COST": "8",
            "RATELIMIT_ENABLED": "0",
            # jobs run in the request (no worker here), never queued in the repository's instance/
            "JOBS_IMMEDIATE": "1",
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "LiveServer":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            # the worker model `make run` and the README's deployment use: a slow client holds
            # a thread, not a worker
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--graceful-timeout",
            "2",
            "wsgi:app",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode()[-2000:])
            try:
                if call(self, "GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start within 30 s")

    def kill(self) -> None:
        """SIGKILL the whole server, workers included: nothing gets to clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        if self.process and self.process.stderr:
            self.process.stderr.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process and self.process.stderr:
            self.process.stderr.close()


def call(
    server: LiveServer,
    method: str,
    path: str,
    *,
    token: str | None = None,
    json_body=None,
    data: bytes | None = None,
    content_type: str | None = None,
):
    """One HTTP request: answers (status, parsed JSON body or raw bytes)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if json_body is not None:
        data, content_type = json.dumps(json_body).encode(), "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(server.base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body, kind = (
                response.status,
                response.read(),
                response.headers.get_content_type(),
            )
    except urllib.error.HTTPError as error:
        status, body, kind = error.code, error.read(), error.headers.get_content_type()
    return status, json.loads(body) if kind.endswith("json") and body else body


@pytest.fixture(scope="module")
def live_server(data_app, database_uri, tmp_path_factory):
    """One gunicorn server with three workers for the module's tests."""
    server = LiveServer(database_uri, str(tmp_path_factory.mktemp("live-media"))).start()
    yield server
    server.stop()
