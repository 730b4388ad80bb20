"""photo_reused at scale: one new photo's check against 10k, 100k and 1M stored hashes.

The check is `signals.similar_photos`: one query, a branch per quarter read from that quarter's
covering index, for the photos whose 16-bit quarters equal or lie one bit from the new hash's,
then the exact Hamming distance in Python. Beside it, the linear scan it replaces (every
stored hash read and compared). Stored hashes are uniform random 64-bit values, ten photos
per audit, plus near copies (1-6 bits off) of every other probe so that matches exist; probes
are fresh hashes. Run on SQLite (a temp file) and on PostgreSQL (BENCH_PG_URL, default the
local test database, in a schema of its own). Target (issue 12): under 50 ms per photo at 1M.

    .venv/bin/python bench/phash.py [--sizes 10000,100000,1000000] [--probes N]
                                    [--scan-runs N] [--no-pg] [--no-sqlite]
"""

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor import create_app
from auditor.audits.signals import REUSE_DISTANCE, similar_photos
from auditor.checklists import versions
from auditor.core.extensions import db
from auditor.models import Audit, Location, Photo, Region, User, utcnow
from auditor.photos import phash
from bench.databases import on_each_database

PER_AUDIT = 10
BATCH = 20_000


def fixtures() -> tuple[int, int, int]:
    """A region, a store, an auditor and the published checklist the audits refer to."""
    definition = versions.parse_definition(versions.default_definition())
    checklist, _ = versions.save_definition(db.session, None, definition)
    versions.publish(db.session, None, checklist)
    region = Region(name="Bench")
    db.session.add(region)
    db.session.flush()
    location = Location(code="B1", name="Bench store", region_id=region.id)
    auditor = User(email="a@bench.test", name="A", role="auditor", password_hash="x")
    db.session.add_all([location, auditor])
    db.session.commit()
    return auditor.id, location.id, checklist.id


def photo_row(audit_id: uuid.UUID, value: int) -> dict:
    q0, q1, q2, q3 = phash.quarters(value)
    return {
        "id": uuid.uuid4(),
        "audit_id": audit_id,
        "upload_hash": "u" * 64,
        "content_hash": "c" * 64,
        "width": 1600,
        "height": 1200,
        "bytes": 300_000,
        "phash": value,
        "phash_q0": q0,
        "phash_q1": q1,
        "phash_q2": q2,
        "phash_q3": q3,
        "created_at": utcnow(),
    }


def grow(refs: tuple[int, int, int], start: int, stop: int, rng: random.Random) -> None:
    """Store photos `start`..`stop` (random hashes), in audits of PER_AUDIT, in batches."""
    auditor_id, location_id, checklist_id = refs
    for first in range(start, stop, BATCH):
        count = min(BATCH, stop - first)
        audits = [uuid.uuid4() for _ in range(-(-count // PER_AUDIT))]
        db.session.execute(
            insert(Audit),
            [
                {
                    "id": audit_id,
                    "auditor_id": auditor_id,
                    "location_id": location_id,
                    "checklist_id": checklist_id,
                    "status": "submitted",
                }
                for audit_id in audits
            ],
        )
        photos = [
            photo_row(audits[i // PER_AUDIT], phash.to_signed(rng.getrandbits(64)))
            for i in range(count)
        ]
        db.session.execute(insert(Photo), photos)
        db.session.commit()


def plant_copies(refs, probes: list[int], rng: random.Random) -> None:
    """Near copies (1..6 bits off) of every other probe, in one audit: matches to find."""
    audit_id = uuid.uuid4()
    auditor_id, location_id, checklist_id = refs
    audit = Audit(id=audit_id, auditor_id=auditor_id, location_id=location_id)
    audit.checklist_id = checklist_id
    db.session.add(audit)
    rows = []
    for value in probes[::2]:
        bits = rng.sample(range(64), rng.randint(1, REUSE_DISTANCE))
        rows.append(photo_row(audit_id, phash.to_signed(value ^ sum(1 << b for b in bits))))
    db.session.execute(insert(Photo), rows)
    db.session.commit()


def linear_scan(value: int, own: uuid.UUID) -> list:
    """What the index saves: every stored hash read and compared."""
    return [
        (other, stored)
        for other, stored in db.session.execute(select(Photo.audit_id, Photo.phash))
        if other != own and stored is not None and phash.distance(stored, value) <= REUSE_DISTANCE
    ]


def timed(action, runs) -> list[float]:
    times = []
    for argument in runs:
        started = time.perf_counter()
        action(argument)
        times.append((time.perf_counter() - started) * 1000)
        db.session.rollback()  # each check in its own transaction, as each upload is
    return times


def report(size: int, probes: list[int], scan_runs: int) -> None:
    own = uuid.uuid4()
    found = sum(bool(similar_photos(db.session, [value], own)) for value in probes)
    checks = timed(lambda value: similar_photos(db.session, [value], own), probes)
    ten = [probes[i : i + 10] for i in range(0, len(probes) - 9, 10)]
    batches = timed(lambda values: similar_photos(db.session, values, own), ten)
    scans = timed(lambda value: linear_scan(value, own), probes[:scan_runs])
    median, p95 = statistics.median(checks), sorted(checks)[int(len(checks) * 0.95)]
    scan = statistics.median(scans)
    print(
        f"  {size:>9,} hashes: one photo {median:6.2f} ms median, {p95:6.2f} ms p95"
        f" | ten photos in one query {statistics.median(batches):6.2f} ms"
        f" | linear scan {scan:8.1f} ms ({scan / median:,.0f}x)"
        f" | {found}/{len(probes)} probes matched"
    )


def measure(name: str, url: str, args) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    rng = random.Random(12)
    probes = [phash.to_signed(rng.getrandbits(64)) for _ in range(args.probes)]
    print(f"\n{name}")
    with app.app_context():
        upgrade()
        refs = fixtures()
        plant_copies(refs, probes, rng)
        stored = db.session.scalar(select(func.count()).select_from(Photo))
        for size in args.sizes:
            started = time.perf_counter()
            grow(refs, stored, size, rng)
            stored = size
            with db.engine.connect() as connection:
                # statistics for the planner and, on PostgreSQL, the visibility map that lets
                # an index-only scan skip the table (what autovacuum keeps after inserts)
                vacuum = "VACUUM ANALYZE photos" if name == "PostgreSQL" else "ANALYZE"
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(vacuum))
            loaded = time.perf_counter() - started
            print(f"  (grown to {size:,} in {loaded:.1f} s)")
            report(size, probes, args.scan_runs)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--scan-runs", type=int, default=3)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]
    on_each_database(measure, args, sqlite=not args.no_sqlite, postgresql=not args.no_pg)


if __name__ == "__main__":
    main()
