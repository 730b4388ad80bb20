"""How long logins hold SQLite's write lock: eight wrong passwords against an auditor's save.

gunicorn (4 threads x 2 workers) on a temp SQLite file with the production argon2 cost; eight
clients post wrong passwords for unknown emails at once (each spends one argon2 verification)
while a probe, standing in for an auditor's save, takes the write lock (`BEGIN IMMEDIATE`)
from its own connection every 20 ms. Printed: the argon2 time of one login, the probe's
longest and median wait for the lock, and the wall time of the eight logins.

    .venv/bin/python bench/login_lock.py [--logins 8] [--rounds 3]
"""

import argparse
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor import create_app
from auditor.people.passwords import DEFAULT_HASHING, burn_verify_time
from tests.live.conftest import LiveServer, call


def _probe(path: str, stop: threading.Event, waits: list[float]) -> None:
    connection = sqlite3.connect(path, timeout=60, isolation_level=None)
    while not stop.is_set():
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - started)
        connection.execute("ROLLBACK")
        time.sleep(0.02)
    connection.close()


def _round(server: LiveServer, path: str, logins: int) -> tuple[list[float], float]:
    stop, waits = threading.Event(), []
    probe = threading.Thread(target=_probe, args=(path, stop, waits))
    probe.start()
    body = {"password": "wrong password"}

    def attempt(index: int) -> None:
        status, _ = call(
            server, "POST", "/api/v1/auth/token", json_body={**body, "email": f"x{index}@e.org"}
        )
        assert status == 401, status

    started = time.perf_counter()
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(logins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    stop.set()
    probe.join()
    return waits, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    path = work / "bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    burn_verify_time("wrong password", DEFAULT_HASHING)
    print(f"one argon2 verification (production cost): {time.perf_counter() - started:.3f} s")
    server = LiveServer(f"sqlite:///{path}", str(work / "media"), workers=2)
    server.env.update(
        PASSWORD_TIME_COST=str(DEFAULT_HASHING.time_cost),
        PASSWORD_MEMORY_COST=str(DEFAULT_HASHING.memory_cost),
        GUNICORN_CMD_ARGS="--threads 4",
    )
    server.start()
    try:
        for number in range(args.rounds):
            waits, wall = _round(server, str(path), args.logins)
            print(
                f"round {number + 1}: {args.logins} wrong logins in {wall:.2f} s; "
                f"a write waited at most {max(waits):.3f} s for the lock "
                f"(median {statistics.median(waits):.3f} s, {len(waits)} probes)"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
