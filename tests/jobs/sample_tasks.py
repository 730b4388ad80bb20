"""Jobs the worker tests enqueue: each leaves a line in a file, and reads the database first
(so a line proves the job ran in an app context on the test database)."""

import os
import time
from pathlib import Path

from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import User
from auditor.notify.queue import task


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def _write(path: str, line: str) -> None:
    with open(path, "a") as out:
        out.write(f"{line} pid={os.getpid()}\n")
        out.flush()
        os.fsync(out.fileno())


@task()
def record(path: str, word: str) -> None:
    """Write `word` and the number of users."""
    _write(path, f"{word} users={_users()}")


@task()
def slow_record(path: str, word: str, seconds: float) -> None:
    """Write a start line, take `seconds`, then write `word` (a worker may be killed between)."""
    _write(path, f"start {word}")
    time.sleep(seconds)
    _write(path, f"{word} users={_users()}")


@task(retries=3, retry_delay=2)
def flaky_record(path: str, word: str, failures: int) -> None:
    """Fail the first `failures` times (counted in the file), then write `word`."""
    failed = Path(path).read_text().count("failed") if Path(path).exists() else 0
    if failed < failures:
        _write(path, f"failed {word}")
        raise RuntimeError(f"failure {failed + 1} of {failures}, on purpose")
    _write(path, f"{word} users={_users()}")
