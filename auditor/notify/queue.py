"""The job queue: one huey instance, its storage chosen by `JOBS_URL`, tasks run in an app context.

Unset `JOBS_URL` means huey's SQLite storage at `instance/jobs.db` (nothing to install); a
`redis://` URL means Redis (production, several workers). `JOBS_IMMEDIATE` runs each task
synchronously where it is enqueued (tests without a worker). Jobs are enqueued only once the
database transaction commits (`after_commit`), and a job a worker was running when it died is
run again once its lease (`JOBS_LEASE_SECONDS`) has passed (`recover_interrupted`).
"""

import datetime
import functools
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey
from huey.api import PeriodicTask, Task, TaskWrapper
from huey.constants import EmptyData
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from auditor.core.database import writing
from auditor.core.extensions import db

log = logging.getLogger(__name__)

# results are never read: a job's effect is in the database
huey = Huey("auditor", results=False, immediate=True, utc=True)
_state: dict[str, Any] = {"app": None, "storage_key": None, "lease": 300.0}
_PENDING = "auditor.notify.after_commit"
_INFLIGHT = "inflight:"


def storage_for(url: str | None, name: str, instance_path: str):
    """The huey storage a `JOBS_URL` names: SQLite by default, Redis for `redis://`."""
    if not url:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        return SqliteStorage(name, filename=str(Path(instance_path) / "jobs.db"))
    if url.startswith("sqlite:///"):
        return SqliteStorage(name, filename=url.removeprefix("sqlite:///"))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage(name, url=url)
    raise ValueError(f"JOBS_URL must be empty, sqlite:///PATH or redis://…, not {url!r}")


def init_app(app: Flask) -> None:
    """Point the queue at the storage this app's configuration names."""
    config = app.config
    immediate = bool(config["JOBS_IMMEDIATE"])
    key = (immediate, config["JOBS_URL"], config["JOBS_NAME"], app.instance_path)
    _state["app"] = app
    _state["lease"] = float(config["JOBS_LEASE_SECONDS"])
    if key == _state["storage_key"]:
        return
    huey.name = config["JOBS_NAME"]
    huey._immediate = immediate  # the property's setter would rebuild the storage itself
    if immediate:
        huey.storage = MemoryStorage(huey.name)
    else:
        huey.storage = storage_for(config["JOBS_URL"], huey.name, app.instance_path)
    _state["storage_key"] = key


def bind(app: Flask) -> None:
    """Run tasks in this app (the worker's; otherwise the app created last)."""
    _state["app"] = app


def _app() -> Flask:
    return _state["app"]


def _in_app_context(fn: Callable) -> Callable:
    # a context of its own: its own database session, never the enqueuing request's; a job
    # writes, so on SQLite its transactions take the write lock when they begin
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with _app().app_context(), writing():
            return fn(*args, **kwargs)

    return run


def task(**kwargs) -> Callable[[Callable], TaskWrapper]:
    """Decorator: a huey task whose body runs in an app context (`retries`, `retry_delay`…)."""

    def decorate(fn: Callable) -> TaskWrapper:
        return huey.task(**kwargs)(_in_app_context(fn))

    return decorate


def periodic_task(validate_datetime: Callable, **kwargs) -> Callable[[Callable], TaskWrapper]:
    """Decorator: a periodic huey task (e.g. `crontab(minute="*/5")`) run in an app context."""

    def decorate(fn: Callable) -> TaskWrapper:
        return huey.periodic_task(validate_datetime, **kwargs)(_in_app_context(fn))

    return decorate


def after_commit(task_fn: TaskWrapper, *args, **kwargs) -> None:
    """Enqueue `task_fn(*args, **kwargs)` once `db.session`'s transaction commits."""
    _remember(db.session(), task_fn, args, kwargs, None)


def after_commit_at(eta: datetime.datetime, task_fn: TaskWrapper, *args, **kwargs) -> None:
    """Schedule `task_fn(*args, **kwargs)` for `eta` (UTC) once the transaction commits."""
    _remember(db.session(), task_fn, args, kwargs, eta)


def _remember(session: Session, task_fn, args, kwargs, eta) -> None:
    pending = session.info.setdefault(_PENDING, [])
    pending.append((session.get_nested_transaction(), task_fn, args, kwargs, eta))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    for _savepoint, task_fn, args, kwargs, eta in session.info.pop(_PENDING, ()):
        try:
            if eta is None:
                task_fn(*args, **kwargs)
            else:
                task_fn.schedule(args, kwargs, eta=_naive_utc(eta))
        except Exception:
            # the commit stands; what a lost job costs is said where it is enqueued (webhook
            # deliveries are swept from their rows, for one)
            log.exception("could not enqueue %s%r after commit", task_fn.name, args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
        return
    session.info[_PENDING] = [job for job in pending if not _inside(job[0], previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _drop_unfinished(session: Session, transaction: SessionTransaction) -> None:
    # a session closed without committing (the request's teardown) forgets its jobs
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _inside(savepoint: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ended:
            return True
        savepoint = savepoint.parent
    return False


def _naive_utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


@huey.pre_execute("auditor_inflight")
def _record_inflight(job: Task) -> None:
    # kept in the queue's own storage until the job ends: a worker killed mid-job leaves it
    if huey.immediate or isinstance(job, PeriodicTask):
        return
    stamp = f"{time.time():.3f}|".encode()
    huey.storage.put_data(_INFLIGHT + job.id, stamp + huey.serialize_task(job))


@huey.post_execute("auditor_inflight")
def _clear_inflight(job: Task, _value, _exception) -> None:
    # on failure huey has the retry in hand: it puts it in its schedule right after this
    if huey.immediate or isinstance(job, PeriodicTask):
        return
    huey.storage.delete_data(_INFLIGHT + job.id)


def recover_interrupted(lease_seconds: float | None = None) -> int:
    """Enqueue again the jobs a dead worker left unfinished for longer than the lease."""
    lease = _state["lease"] if lease_seconds is None else lease_seconds
    now, recovered = time.time(), 0
    for key, value in huey.storage.result_items().items():
        if not key.startswith(_INFLIGHT):
            continue
        started, _, message = bytes(value).partition(b"|")
        if now - float(started) < lease:
            continue
        # pop is atomic in both storages: of several workers sweeping, one wins the job
        if huey.storage.pop_data(key) is EmptyData:
            continue
        job = huey.deserialize_task(message)
        log.warning(
            "job %s %s was interrupted %.0f s ago; running it again",
            job.name,
            job.id,
            now - float(started),
        )
        huey.enqueue(job)
        recovered += 1
    return recovered


def app_config() -> Mapping[str, Any]:
    """The configuration of the app jobs run in (the worker's, or the app created last)."""
    return _state["app"].config
