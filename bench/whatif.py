"""What-if at scale: POST /api/v1/checklists/<draft>/what-if over 20,000 audits in the window.

200 locations in 10 regions; `--audits` approved audits of `store-visit` in the last 90 days
(default 20,000), each with the 17 answers of the default checklist drawn at random (N/A where
allowed, now and then) and its overall score computed by the scoring engine; `--older` more
audits before the window (default 20,000), which the window's query must skip. A draft v2
doubles the knowledge section's weight and drops one question. On SQLite (a temp file) and on
PostgreSQL (BENCH_PG_URL, default the local test database, in a schema of its own), one run
each: the endpoint's median time (target: under 2 s), its statement count, and beside it what
it is made of, timed alone: streaming the answers (the bare query), and scoring them.

    .venv/bin/python bench/whatif.py [--audits N] [--older N] [--runs N] [--no-pg]
"""

import argparse
import copy
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
from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor import create_app
from auditor.checklists import scoring, versions
from auditor.core.extensions import db
from auditor.insights import whatif
from auditor.insights.queries import Scope
from auditor.models import Answer, Audit, Checklist, Region, User, utcnow
from auditor.people.passwords import PasswordHashing, hash_password
from bench.databases import on_each_database
from bench.rankings import count_queries, interleaved_medians
from bench.worlds import insert_locations

PASSWORD = "bench-password"
LOCATIONS = 200


def answer_value(question: dict, rng: random.Random):
    """A plausible value for one question of the default checklist (None: N/A)."""
    if question["allow_na"] and rng.random() < 0.2:
        return None
    kind = question["type"]
    if kind == "yes_no":
        return rng.random() < 0.75
    if kind == "scale":
        return rng.randint(question["min"], question["max"])
    return rng.choice([25, 45, 62, 70, 80])  # numeric: seconds, dB, hours (all in range)


def draft_definition(definition: dict) -> dict:
    """v2: the knowledge section weighs double, the goodbye question is gone."""
    draft = copy.deepcopy(definition)
    for section in draft["sections"]:
        if section["key"] == "knowledge":
            section["weight"] *= 2
        section["questions"] = [q for q in section["questions"] if q["key"] != "thanked_goodbye"]
    return draft


def _audit_rows(definition, checklist_id, auditor_id, locations, n, days, rng, now):
    questions = [q for section in definition["sections"] for q in section["questions"]]
    audits, answers = [], []
    for _ in range(n):
        audit_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        given = {q["key"]: answer_value(q, rng) for q in questions}
        overall = scoring.score_audit(
            definition, {k: scoring.Answer(v, v is None) for k, v in given.items()}
        ).overall
        finished = now - timedelta(days=rng.uniform(*days))
        audits.append(
            {
                "id": audit_id,
                "auditor_id": auditor_id,
                "location_id": rng.choice(locations),
                "checklist_id": checklist_id,
                "status": "approved",
                "started_at": finished - timedelta(minutes=20),
                "finished_at": finished,
                "score_overall": overall,
                "staff_names": [],
            }
        )
        answers.extend(
            {"audit_id": audit_id, "question_key": k, "value": v, "na": v is None}
            for k, v in given.items()
        )
    return audits, answers


def populate(n_audits: int, n_older: int, rng: random.Random) -> int:
    """The world; answers the draft's id."""
    definition = versions.parse_definition(versions.default_definition())
    checklist, _ = versions.save_definition(db.session, None, definition)
    versions.publish(db.session, None, checklist)
    regions = [Region(name=f"Region {i}") for i in range(10)]
    hashed = hash_password(PASSWORD, PasswordHashing.from_config(current_app.config))
    auditor = User(email="auditor@bench.test", name="A", role="auditor", password_hash=hashed)
    admin = User(email="admin@bench.test", name="Admin", role="admin", password_hash=hashed)
    db.session.add_all([*regions, auditor, admin])
    db.session.flush()
    locations = insert_locations(regions, LOCATIONS)
    now = utcnow()
    for count, days in ((n_audits, (0, 89)), (n_older, (91, 700))):
        for start in range(0, count, 5_000):
            audits, answers = _audit_rows(
                definition,
                checklist.id,
                auditor.id,
                locations,
                min(5_000, count - start),
                days,
                rng,
                now,
            )
            db.session.execute(insert(Audit), audits)
            db.session.execute(insert(Answer), answers)
    draft, _ = versions.save_definition(
        db.session, None, versions.parse_definition(draft_definition(definition))
    )
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return draft.id


def parts(app, draft_id: int) -> tuple[float, float, int]:
    """Seconds to stream the answers alone (bare query), and to stream and score them."""
    with app.app_context():
        session = db.session
        draft = session.get(Checklist, draft_id)
        definition = versions.definition_for(session, draft)
        now = utcnow()
        start = now - timedelta(days=90)
        scope = Scope(None, draft.key)
        session.commit()
        began = time.perf_counter()
        rows = 0
        dialect = session.get_bind().dialect.name
        stmt = whatif.answers_statement(dialect, scope, start, now)
        for _, _, raw in session.connection().execute(stmt.execution_options(yield_per=1000)):
            rows += len(whatif.parse_json(raw))
        streamed = time.perf_counter() - began
        session.commit()
        began = time.perf_counter()
        scored = sum(1 for _ in whatif.rescored(session, definition, scope, start, now))
        both = time.perf_counter() - began
        session.commit()
    return streamed, both, rows if scored else 0


def measure(name: str, url: str, args) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MEDIA_DIR": tempfile.mkdtemp(),
            "PASSWORD_TIME_COST": 1,
            "PASSWORD_MEMORY_COST": 8,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        draft_id = populate(args.audits, args.older, random.Random(1))
        loaded = time.perf_counter() - started
        engine = db.engine
    print(
        f"\n{name}: {args.audits:,} audits in the window, {args.older:,} before it, "
        f"{LOCATIONS} locations (loaded in {loaded:.0f} s)"
        f", load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    gc.freeze()
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"email": "admin@bench.test", "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/checklists/{draft_id}/what-if"
    body = client.post(path, json={"days": 90}, headers=headers).get_json()
    assert body["audits"] == args.audits, body.get("audits")

    def call():
        assert client.post(path, json={"days": 90}, headers=headers).status_code == 200

    (call_ms,) = interleaved_medians([call], args.runs)
    cpu = []  # this process's CPU time per call: what the machine's other load does not inflate
    for _ in range(args.runs):
        started = time.process_time()
        call()
        cpu.append(time.process_time() - started)
    streamed, both, rows = parts(app, draft_id)
    queries = count_queries(engine, call)
    print(
        f"  endpoint: {call_ms / 1000:.2f} s median of {args.runs} (target < 2 s), "
        f"{queries} statements, {len(body['items'])} locations; this process's CPU "
        f"{sorted(cpu)[len(cpu) // 2]:.2f} s (SQLite's work included, PostgreSQL's not)"
    )
    print(
        f"  answers streamed alone: {streamed:.2f} s ({rows:,} rows); "
        f"streamed and scored: {both:.2f} s (scoring {both - streamed:.2f} s)"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=20_000)
    parser.add_argument("--older", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    on_each_database(measure, args, postgresql=not args.no_pg)


if __name__ == "__main__":
    main()
