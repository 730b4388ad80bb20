"""One open dispute per question under concurrency (DESIGN §10.4), against gunicorn with several
workers: twenty simultaneous disputes of one question by its lead and managers open one (201)
and refuse the rest (409); twenty simultaneous decisions on it settle it once."""

import queue
import uuid

import pytest
from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import AuditLogEntry, AuditRevision, Dispute, Region
from tests.api.audit_helpers import published_store
from tests.factories import UserFactory
from tests.live.conftest import call
from tests.live.test_concurrency import at_once
from tests.live.test_review_concurrency import submitted, token_of


@pytest.fixture
def people(app, live_server):
    store = published_store()
    region = db.session.get(Region, store.region_id)
    auditor = UserFactory(role="auditor")
    manager = UserFactory(role="manager", regions=[region])
    lead = UserFactory(role="staff", location_id=store.location_id, lead=True)
    admin = UserFactory(role="admin")
    db.session.commit()
    tokens = {
        name: token_of(live_server, user)
        for name, user in {
            "auditor": auditor,
            "manager": manager,
            "lead": lead,
            "admin": admin,
        }.items()
    }
    audit_id = submitted(live_server, store, tokens["auditor"])
    path = f"/api/v1/audits/{audit_id}/review"
    approve = {"decision": "approve"}
    assert call(live_server, "POST", path, token=tokens["manager"], json_body=approve)[0] == 200
    return audit_id, tokens


def test_twenty_simultaneous_disputes_of_one_question_open_one(live_server, people):
    audit_id, tokens = people
    openers = queue.SimpleQueue()  # thread-safe: each client takes its own
    for token in [tokens["lead"], tokens["manager"]] * 10:
        openers.put(token)

    def open_one():
        body = {"question": "music_db", "comment": "Quiet."}
        path = f"/api/v1/audits/{audit_id}/disputes"
        return call(live_server, "POST", path, token=openers.get_nowait(), json_body=body)[0]

    statuses = at_once(open_one)
    assert sorted(statuses) == [201] + [409] * 19
    db.session.commit()  # a fresh snapshot
    count = select(func.count(Dispute.id)).where(Dispute.audit_id == uuid.UUID(audit_id))
    assert db.session.scalar(count) == 1


def test_twenty_simultaneous_decisions_settle_once(live_server, people):
    audit_id, tokens = people
    body = {"question": "music_db", "comment": "Quiet."}
    path = f"/api/v1/audits/{audit_id}/disputes"
    status, opened = call(live_server, "POST", path, token=tokens["lead"], json_body=body)
    assert status == 201
    decisions = queue.SimpleQueue()
    for body in [{"decision": "uphold", "value": 60}, {"decision": "reject", "note": "No."}] * 10:
        decisions.put(body)

    def decide():
        path = f"/api/v1/disputes/{opened['id']}/decision"
        return call(
            live_server, "POST", path, token=tokens["admin"], json_body=decisions.get_nowait()
        )[0]

    statuses = at_once(decide)
    assert sorted(statuses) == [200] + [409] * 19
    db.session.commit()
    dispute = db.session.get(Dispute, opened["id"])
    assert dispute.status in ("upheld", "rejected")
    revisions = db.session.scalars(
        select(AuditRevision.kind).where(AuditRevision.audit_id == uuid.UUID(audit_id))
    ).all()
    assert revisions == (["submit", "dispute"] if dispute.status == "upheld" else ["submit"])
    settled = db.session.scalars(
        select(AuditLogEntry.action).where(
            AuditLogEntry.action.in_(("dispute.upheld", "dispute.rejected"))
        )
    ).all()
    assert settled in (["dispute.upheld"], ["dispute.rejected"])
