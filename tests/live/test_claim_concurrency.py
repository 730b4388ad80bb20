"""Claims of one open visit at once (DESIGN §10.8), against gunicorn with several workers on the
test database (SQLite, or PostgreSQL with TEST_DATABASE_URL): exactly one 200, the rest 409."""

import threading
from collections import Counter

from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import Assignment
from tests.factories import UserFactory
from tests.live.conftest import call
from tests.live.test_concurrency import at_once
from tests.live.test_review_concurrency import token_of
from tests.scheduling.helpers import three_stores_three_auditors

CLAIMERS = 12


def test_concurrent_claims_have_exactly_one_winner(app, live_server):
    world = three_stores_three_auditors(auditors=0)
    admin = UserFactory(role="admin")
    auditors = [UserFactory(role="auditor") for _ in range(CLAIMERS)]
    db.session.commit()
    admin_token = token_of(live_server, admin)
    status, schedule = call(
        live_server,
        "POST",
        "/api/v1/schedules",
        token=admin_token,
        json_body=world.body(auditor_ids=[]),
    )
    assert status == 201, schedule
    claimers = [token_of(live_server, auditor) for auditor in auditors]
    db.session.commit()
    visit_ids = list(
        db.session.scalars(
            select(Assignment.id)
            .where(Assignment.schedule_id == schedule["id"])
            .order_by(Assignment.id)
        )
    )
    assert visit_ids
    target = visit_ids[0]
    lock = threading.Lock()

    def claim():
        with lock:
            token = claimers.pop()
        return call(live_server, "POST", f"/api/v1/assignments/{target}/claim", token=token)[0]

    statuses = Counter(at_once(claim, CLAIMERS))
    assert statuses == Counter({200: 1, 409: CLAIMERS - 1})
    db.session.commit()
    winner = db.session.get(Assignment, target).auditor_id
    assert winner in {auditor.id for auditor in auditors}
