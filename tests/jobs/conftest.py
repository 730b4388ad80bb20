"""A real worker process (`flask worker`) on the test database, against SQLite or Redis storage.

Each test's queue has a name of its own (`JOBS_NAME`), so concurrent runs sharing the Redis on
127.0.0.1:6379 never see each other's jobs, and only that name's keys are flushed afterwards.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from auditor import create_app
from auditor.core.extensions import db
from auditor.notify import queue
from tests.conftest import SyncedClient, app_config

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Worker:
    """`flask --app tests.jobs.worker_app worker` in its own process group."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "tests.jobs.worker_app", "worker"],
                cwd=ROOT,
                env=self.env,
                start_new_session=True,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: "consumer started" in self.log.read_text().lower(), 30, self.log)
        return self

    def kill(self) -> None:
        """SIGKILL the worker: nothing gets to clean up or finish."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> int | None:
        """SIGINT (what Ctrl-C sends): the running jobs finish, then the worker exits."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode if self.process else None


def wait_for(condition: Callable[[], object], seconds: float, log: Path | None = None):
    """Poll `condition` until it is true or fail with the worker's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"not reached within {seconds} s; worker log:\n{tail}")


class JobSetup:
    """An app whose queue is real storage (no immediate mode) and workers to start against it."""

    def __init__(self, storage: str, database_uri: str, tmp_path: Path):
        self.storage, self.tmp_path = storage, tmp_path
        name = f"auditor-test-{os.getpid()}-{secrets.token_hex(4)}"
        url = REDIS_URL if storage == "redis" else f"sqlite:///{tmp_path / 'jobs.db'}"
        self.config = {
            "JOBS_IMMEDIATE": False,
            "JOBS_URL": url,
            "JOBS_NAME": name,
            "JOBS_LEASE_SECONDS": 3,
            "WEBHOOK_ALLOW_PRIVATE": True,
        }
        self.env = {
            **os.environ,
            "DATABASE_URL": database_uri,
            "MEDIA_DIR": str(tmp_path / "worker-media"),
            "SECRET_KEY": "test-secret",
            "JOBS_IMMEDIATE": "0",
            "JOBS_URL": url,
            "JOBS_NAME": name,
            "JOBS_LEASE_SECONDS": "3",
            "WEBHOOK_ALLOW_PRIVATE": "1",
        }
        self.app: Flask = create_app({**app_config(database_uri, str(tmp_path)), **self.config})
        self.app.test_client_class = SyncedClient
        self.workers: list[Worker] = []

    @property
    def log(self) -> Path:
        """The log of the worker started last."""
        return self.workers[-1].log if self.workers else self.tmp_path / "worker-0.log"

    def worker(self, **env: str) -> Worker:
        """Start a worker process (extra environment variables in `env`), each with its log."""
        log = self.tmp_path / f"worker-{len(self.workers) + 1}.log"
        worker = Worker({**self.env, **env}, log)
        self.workers.append(worker)
        return worker.start()

    def close(self) -> None:
        for worker in self.workers:
            worker.kill()
        queue.huey.storage.flush_all()  # this name's keys (Redis) or rows (SQLite) only
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture(params=["sqlite", "redis"])
def jobs(request, app, database_uri, tmp_path) -> Iterator[JobSetup]:
    """Real queue storage (SQLite file, then Redis) with workers the test starts."""
    setup = JobSetup(request.param, database_uri, tmp_path)
    try:
        yield setup
    finally:
        setup.close()
        queue.init_app(app)  # back to the immediate queue of the other tests
