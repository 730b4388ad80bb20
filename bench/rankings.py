"""Rankings at scale: the endpoint against the bare SQL GROUP BY over the same rows.

1,000 locations in 10 regions and 200,000 approved audits over two years, on SQLite (a temp
file) and on PostgreSQL (BENCH_PG_URL, default the local test database, in a schema of its
own). For each backend, in one run: the bare GROUP BYs a ranking cannot avoid (approved audits
of the checklist, current and previous window, raw SQL through the same driver) and
GET /api/v1/rankings, all regions (admin) and one region (manager), each request in its own
app context as under gunicorn. The runs interleave (bare, endpoint, bare, ...) so that a busy
machine slows both alike; medians are printed as ratios, with the query count. Then the
manager dashboard page (/manager) at the same size, all regions and one region.

    .venv/bin/python bench/rankings.py [--audits N] [--locations N] [--runs N] [--no-pg]
"""

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import event, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor import create_app
from auditor.checklists import versions
from auditor.core.extensions import db
from auditor.models import Audit, Region, User, region_managers, utcnow
from auditor.people.passwords import PasswordHashing, hash_password
from bench.databases import on_each_database
from bench.worlds import insert_locations

DAYS = 90
PASSWORD = "bench-password"


def populate(n_locations: int, n_audits: int, rng: random.Random) -> None:
    """Regions, locations, one auditor, one manager per region, the checklist, the audits."""
    definition = versions.parse_definition(versions.default_definition())
    checklist, _ = versions.save_definition(db.session, None, definition)
    versions.publish(db.session, None, checklist)
    regions = [Region(name=f"Region {i}") for i in range(10)]
    db.session.add_all(regions)
    db.session.flush()
    hashed = hash_password(PASSWORD, PasswordHashing.from_config(current_app.config))
    auditor = User(email="auditor@bench.test", name="A", role="auditor", password_hash=hashed)
    admin = User(email="admin@bench.test", name="Admin", role="admin", password_hash=hashed)
    manager = User(email="manager@bench.test", name="M", role="manager", password_hash=hashed)
    db.session.add_all([auditor, admin, manager])
    db.session.flush()
    db.session.execute(
        insert(region_managers), [{"region_id": regions[0].id, "user_id": manager.id}]
    )
    location_ids = insert_locations(regions, n_locations)
    quality = {loc: rng.uniform(45, 92) for loc in location_ids}
    now = utcnow()
    for start in range(0, n_audits, 20_000):
        rows = []
        for _ in range(min(20_000, n_audits - start)):
            loc = rng.choice(location_ids)
            finished = now - timedelta(days=rng.uniform(0, 730))
            rows.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "auditor_id": auditor.id,
                    "location_id": loc,
                    "checklist_id": checklist.id,
                    "status": "approved",
                    "started_at": finished - timedelta(minutes=20),
                    "finished_at": finished,
                    "score_overall": max(0.0, min(100.0, rng.gauss(quality[loc], 12))),
                    "critical_failed": False,
                    "staff_names": [],
                    "notes": "",
                    "review_note": "",
                    "far_from_location": False,
                    "created_at": finished,
                    "updated_at": finished,
                }
            )
        db.session.execute(insert(Audit), rows)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


BARE = """
SELECT location_id, count(score_overall), sum(score_overall), sum(score_overall * score_overall)
FROM audits
WHERE status = 'approved' AND finished_at >= :start AND finished_at < :end
  AND checklist_id IN (SELECT id FROM checklists WHERE key = 'store-visit')
  AND score_overall IS NOT NULL {region}
GROUP BY location_id
"""


def bare_groupby(engine, region_id: int | None) -> None:
    """The two GROUP BYs (current and previous window) in plain SQL."""
    now = utcnow()
    region = (
        "AND location_id IN (SELECT id FROM locations WHERE region_id = :region)"
        if region_id
        else ""
    )
    with engine.connect() as connection:
        for start, end in (
            (now - timedelta(days=DAYS), now),
            (now - timedelta(days=2 * DAYS), now - timedelta(days=DAYS)),
        ):
            params = {"start": start, "end": end, "region": region_id}
            if engine.dialect.name == "sqlite":  # stored as naive UTC text
                params |= {
                    "start": start.replace(tzinfo=None).isoformat(" "),
                    "end": end.replace(tzinfo=None).isoformat(" "),
                }
            connection.execute(text(BARE.format(region=region)), params).all()


def interleaved_medians(actions: list, runs: int) -> list[float]:
    """Median milliseconds of each action, run in turn `runs` times after one warm-up."""
    for action in actions:
        action()  # warm caches and connection pools
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, seen in zip(actions, times, strict=True):
            started = time.perf_counter()
            action()
            seen.append((time.perf_counter() - started) * 1000)
    return [statistics.median(seen) for seen in times]


def count_queries(engine, action) -> int:
    seen = []
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def measure(name: str, url: str, args) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MEDIA_DIR": tempfile.mkdtemp(),
            "PASSWORD_TIME_COST": 1,
            "PASSWORD_MEMORY_COST": 8,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,  # the dashboard's login form, posted by the bench
        }
    )
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        populate(args.locations, args.audits, random.Random(1))
        loaded = time.perf_counter() - started
        region_id = db.session.scalar(select(Region.id).order_by(Region.id))
        engine = db.engine
    print(
        f"\n{name}: {args.audits:,} audits, {args.locations:,} locations (loaded in {loaded:.1f} s)"
    )
    # requests run outside any app context, each in its own, as in production; and, as
    # wsgi.py does for gunicorn, the objects of start-up are kept out of garbage collection
    gc.freeze()
    client = app.test_client()

    def token(email):
        response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    def endpoint(headers, expected):
        body = client.get("/api/v1/rankings", headers=headers).get_json()
        assert len(body["items"]) + len(body["unranked"]) == expected, body

        def call():  # timed: the server's work, not the client's parsing of 200 KB of JSON
            assert client.get("/api/v1/rankings", headers=headers).status_code == 200

        return call

    rows = [
        (
            "all regions",
            lambda: bare_groupby(engine, None),
            endpoint(token("admin@bench.test"), args.locations),
        ),
        (
            "one region (manager)",
            lambda: bare_groupby(engine, region_id),
            endpoint(token("manager@bench.test"), args.locations // 10),
        ),
    ]
    print(f"{'scope':<22}{'bare SQL ms':>12}{'endpoint ms':>13}{'ratio':>8}{'queries':>9}")
    ratios = []
    for label, bare, call in rows:
        bare_ms, call_ms = interleaved_medians([bare, call], args.runs)
        queries = count_queries(engine, call)
        ratios.append(call_ms / bare_ms)
        print(f"{label:<22}{bare_ms:>12.1f}{call_ms:>13.1f}{ratios[-1]:>7.2f}x{queries:>9}")
    print(f"region-scoped ratio / all-regions ratio: {ratios[1] / ratios[0]:.2f}")

    print(f"{'dashboard page':<22}{'ms':>12}{'bytes':>13}{'queries':>17}")
    for label, email in (("all regions", "admin@bench.test"), ("one region", "manager@bench.test")):
        browser = app.test_client()
        browser.post("/login", data={"email": email, "password": PASSWORD})

        def page(browser=browser):
            response = browser.get("/manager")
            assert response.status_code == 200, response.status_code
            return response

        (page_ms,) = interleaved_medians([page], args.runs)
        size = len(page().data)
        print(f"{label:<22}{page_ms:>12.1f}{size:>13,}{count_queries(engine, page):>17}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=200_000)
    parser.add_argument("--locations", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    on_each_database(measure, args, postgresql=not args.no_pg)


if __name__ == "__main__":
    main()
