"""Engine tuning: SQLite gets foreign keys, WAL, a busy timeout and write locks up front;
both backends give up waiting for a lock after a bounded time (the request answers 503)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from flask import has_request_context, request
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# set inside read_only(): the transaction it begins reads, so it begins deferred
_reading = ContextVar("reading", default=False)
# set inside writing(): work outside a request whose transactions write (a queued job)
_writing = ContextVar("writing", default=False)


def _wants_write_lock() -> bool:
    # a request that may write takes SQLite's write lock when its transaction begins: with
    # pysqlite's deferred default, a check-then-insert of two requests interleaves, and a read
    # transaction that then writes fails at once ("database is locked", no busy wait) when
    # another writer committed since it began. Reads, and work outside requests (CLI,
    # scripts), begin deferred so they never queue behind writers; jobs say they write.
    if _reading.get():
        return False
    if _writing.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


@contextmanager
def writing() -> Iterator[None]:
    """Outside a request: transactions begun in here take SQLite's write lock up front, as a
    write request's do (a job reads, then records what it did)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def read_only(session: Session) -> Iterator[None]:
    """Read in a transaction of its own that takes no write lock and has ended on leaving."""
    # slow work after the read (argon2 at login) must not hold SQLite's write lock, which a
    # write request's BEGIN IMMEDIATE takes; PostgreSQL's reads lock nothing either way
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("read_only() would end a transaction holding unsaved changes")
    session.commit()  # ends what the request read so far, so that the next BEGIN is ours
    reading = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(reading)
        session.commit()  # nothing was written: this ends the read and releases its snapshot


def _on_sqlite_connect(lock_timeout_ms: int, dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, see _on_sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


def _on_postgresql_connect(lock_timeout_ms: int, dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(lock_timeout_ms)}")
    dbapi_connection.commit()


def tune_engine(engine: Engine, lock_timeout_ms: int) -> None:
    """Install the per-backend connection settings on one engine."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", partial(_on_sqlite_connect, lock_timeout_ms))
        event.listen(engine, "begin", _on_sqlite_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", partial(_on_postgresql_connect, lock_timeout_ms))
