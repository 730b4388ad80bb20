"""Calibration at scale: GET /api/v1/calibration against the bare SQL of the same pairs.

1,000 locations in 10 regions, 50 auditors (each with a bias of their own, from -8 to +8
points) and 200,000 approved audits over two years, on SQLite (a temp file) and on PostgreSQL
(BENCH_PG_URL, default the local test database, in a schema of its own). For each backend,
in one run: the bare GROUP BY (location, auditor) with count, sum and sum of squares that
every calibration figure is made of (raw SQL through the same driver, every row fetched)
and the endpoint, for the default window (180 days) and for every audit (730 days), all
regions (admin) and one region (manager). The runs interleave so that a busy machine slows
both alike; medians are printed as ratios (target: within 1.5x), with the query count, and
beside them the medians of this process's CPU time (on SQLite the database's work runs in
the process, so this ratio is what a loaded machine does not distort; on PostgreSQL the
server's work is not in it). Then the calibration page (its charts need one more statement)
at the same size.

    .venv/bin/python bench/calibration.py [--audits N] [--runs N] [--no-pg]
"""

import argparse
import gc
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor import create_app
from auditor.checklists import versions
from auditor.core.extensions import db
from auditor.models import Audit, Region, User, region_managers, utcnow
from auditor.people.passwords import PasswordHashing, hash_password
from bench.databases import on_each_database
from bench.rankings import count_queries, interleaved_medians
from bench.worlds import insert_locations

PASSWORD = "bench-password"
LOCATIONS, AUDITORS = 1_000, 50


def _people(regions: list[Region]) -> list[int]:
    hashed = hash_password(PASSWORD, PasswordHashing.from_config(current_app.config))
    auditors = [
        User(
            email=f"auditor{i}@bench.test",
            name=f"Auditor {i:02d}",
            role="auditor",
            password_hash=hashed,
        )
        for i in range(AUDITORS)
    ]
    admin = User(email="admin@bench.test", name="Admin", role="admin", password_hash=hashed)
    manager = User(email="manager@bench.test", name="M", role="manager", password_hash=hashed)
    db.session.add_all([*auditors, admin, manager])
    db.session.flush()
    db.session.execute(
        insert(region_managers), [{"region_id": regions[0].id, "user_id": manager.id}]
    )
    return [auditor.id for auditor in auditors]


def populate(n_audits: int, rng: random.Random) -> None:
    """Regions, locations, auditors with biases, one admin, one manager, the audits."""
    definition = versions.parse_definition(versions.default_definition())
    checklist, _ = versions.save_definition(db.session, None, definition)
    versions.publish(db.session, None, checklist)
    regions = [Region(name=f"Region {i}") for i in range(10)]
    db.session.add_all(regions)
    db.session.flush()
    auditor_ids = _people(regions)
    location_ids = insert_locations(regions, LOCATIONS)
    quality = {loc: rng.uniform(45, 92) for loc in location_ids}
    bias = {who: rng.uniform(-8, 8) for who in auditor_ids}
    now = utcnow()
    for start in range(0, n_audits, 20_000):
        rows = []
        for _ in range(min(20_000, n_audits - start)):
            loc, who = rng.choice(location_ids), rng.choice(auditor_ids)
            finished = now - timedelta(days=rng.uniform(0, 730))
            score = max(0.0, min(100.0, rng.gauss(quality[loc] + bias[who], 10)))
            rows.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "auditor_id": who,
                    "location_id": loc,
                    "checklist_id": checklist.id,
                    "status": "approved",
                    "started_at": finished - timedelta(minutes=20),
                    "finished_at": finished,
                    "score_overall": score,
                    "staff_names": [],
                }
            )
        db.session.execute(insert(Audit), rows)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


BARE = """
SELECT location_id, auditor_id, count(score_overall), sum(score_overall),
       sum(score_overall * score_overall)
FROM audits
WHERE status = 'approved' AND finished_at >= :start AND finished_at < :end
  AND checklist_id IN (SELECT id FROM checklists WHERE key = 'store-visit')
  AND score_overall IS NOT NULL {region}
GROUP BY location_id, auditor_id
"""


def bare_pairs(engine, days: int, region_id: int | None) -> None:
    """The pairs' GROUP BY in plain SQL, every row fetched."""
    now = utcnow()
    region = (
        "AND location_id IN (SELECT id FROM locations WHERE region_id = :region)"
        if region_id
        else ""
    )
    params = {"start": now - timedelta(days=days), "end": now, "region": region_id}
    if engine.dialect.name == "sqlite":  # stored as naive UTC text
        params |= {k: params[k].replace(tzinfo=None).isoformat(" ") for k in ("start", "end")}
    with engine.connect() as connection:
        connection.execute(text(BARE.format(region=region)), params).all()


def interleaved_cpu(actions: list, runs: int) -> list[float]:
    """Median milliseconds of this process's CPU time per action, in turn, `runs` times: on
    SQLite (in-process) what the machine's other load does not inflate."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, seen in zip(actions, times, strict=True):
            started = time.process_time()
            action()
            seen.append((time.process_time() - started) * 1000)
    return [sorted(seen)[len(seen) // 2] for seen in times]


def _app(url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MEDIA_DIR": tempfile.mkdtemp(),
            "PASSWORD_TIME_COST": 1,
            "PASSWORD_MEMORY_COST": 8,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,  # the page's login form, posted by the bench
        }
    )


def measure(name: str, url: str, args) -> None:
    app = _app(url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        populate(args.audits, random.Random(1))
        loaded = time.perf_counter() - started
        region_id = db.session.scalar(select(Region.id).order_by(Region.id))
        engine = db.engine
    print(
        f"\n{name}: {args.audits:,} audits, {LOCATIONS:,} locations, {AUDITORS} auditors "
        f"(loaded in {loaded:.1f} s)"
        f", load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    gc.freeze()
    client = app.test_client()

    def token(email):
        response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    def endpoint(headers, days):
        path = f"/api/v1/calibration?days={days}"
        assert len(client.get(path, headers=headers).get_json()["items"]) == AUDITORS

        def call():
            assert client.get(path, headers=headers).status_code == 200

        return call

    admin, manager = token("admin@bench.test"), token("manager@bench.test")
    print(
        f"{'scope':<26}{'bare SQL ms':>12}{'endpoint ms':>13}{'ratio':>8}{'queries':>9}"
        f"{'CPU ms bare / endpoint':>25}{'ratio':>8}"
    )
    for days in (180, 730):
        for label, headers, region in (
            ("all regions", admin, None),
            ("one region", manager, region_id),
        ):
            bare = lambda days=days, region=region: bare_pairs(engine, days, region)  # noqa: E731
            call = endpoint(headers, days)
            bare_ms, call_ms = interleaved_medians([bare, call], args.runs)
            bare_cpu, call_cpu = interleaved_cpu([bare, call], args.runs)
            queries = count_queries(engine, call)
            title = f"{label}, {days} days"
            print(
                f"{title:<26}{bare_ms:>12.1f}{call_ms:>13.1f}{call_ms / bare_ms:>7.2f}x{queries:>9}"
                f"{bare_cpu:>13.0f} / {call_cpu:<9.0f}{call_cpu / bare_cpu:>7.2f}x"
            )
    browser = app.test_client()
    logged_in = browser.post("/login", data={"email": "admin@bench.test", "password": PASSWORD})
    assert logged_in.status_code == 302, logged_in.status_code

    def page():
        response = browser.get("/manager/calibration")
        assert response.status_code == 200, (response.status_code, response.data[:500])

    (page_ms,) = interleaved_medians([page], args.runs)
    print(
        f"calibration page, all regions, 180 days: {page_ms:.1f} ms, "
        f"{count_queries(engine, page)} queries"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    on_each_database(measure, args, postgresql=not args.no_pg)


if __name__ == "__main__":
    main()
