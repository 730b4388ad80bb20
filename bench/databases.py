"""The two databases every benchmark measures on, one after the other in one run: a fresh
SQLite file, then PostgreSQL (BENCH_PG_URL, default the local test database) in a schema of
its own that is dropped afterwards."""

import os
import secrets
import tempfile
from collections.abc import Callable

from sqlalchemy import create_engine, text

Measure = Callable[[str, str, object], None]


def on_each_database(measure: Measure, args, *, sqlite: bool = True, postgresql: bool = True):
    """Run `measure(name, url, args)` on each database asked for."""
    if sqlite:
        with tempfile.TemporaryDirectory() as folder:
            measure("SQLite", f"sqlite:///{folder}/bench.db", args)
    if not postgresql:
        return
    base = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    schema = f"bench_{secrets.token_hex(4)}"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        measure("PostgreSQL", f"{base}?options=-csearch_path%3D{schema}", args)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()
