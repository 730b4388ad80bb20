"""Review under concurrency (DESIGN §10.1-10.2), against gunicorn with several workers: twenty
corrections of one answer make twenty revisions numbered without gap; several managers' bulk
approvals of the same audits approve each once."""

import uuid

import pytest
from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import AuditLogEntry, AuditRevision, Region
from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.api.signal_helpers import scene
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import call
from tests.live.test_concurrency import at_once


def token_of(server, user) -> str:
    body = {"email": user.email, "password": PASSWORD}
    status, answer = call(server, "POST", "/api/v1/auth/token", json_body=body)
    assert status == 200
    return answer["token"]


@pytest.fixture
def people(app, live_server):
    store = published_store()
    region = db.session.get(Region, store.region_id)
    auditor = UserFactory(role="auditor")
    managers = [UserFactory(role="manager", regions=[region]) for _ in range(3)]
    db.session.commit()
    return store, token_of(live_server, auditor), [token_of(live_server, m) for m in managers]


def submitted(server, store, token) -> str:
    audit_id = new_uuid()
    status, _ = call(
        server, "PUT", f"/api/v1/audits/{audit_id}", token=token, json_body=audit_body(store)
    )
    assert status == 201
    photo = f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy"
    image = scene(uuid.UUID(audit_id).int % 10**9)
    assert call(server, "PUT", photo, token=token, data=image, content_type="image/jpeg")[0] == 201
    assert call(server, "POST", f"/api/v1/audits/{audit_id}/submit", token=token)[0] == 200
    return audit_id


def test_twenty_corrections_make_twenty_revisions_in_order(live_server, people):
    store, auditor, managers = people
    audit_id = submitted(live_server, store, auditor)
    values = iter(range(20))

    def correction():
        body = {"comment": f"Seen {next(values)}.", "reason": "Per the photo."}
        path = f"/api/v1/audits/{audit_id}/answers/tidy"
        return call(live_server, "PATCH", path, token=managers[0], json_body=body)[0]

    assert set(at_once(correction)) == {200}
    db.session.commit()  # a fresh snapshot
    numbers = db.session.scalars(
        select(AuditRevision.number).where(AuditRevision.audit_id == uuid.UUID(audit_id))
    ).all()
    assert sorted(numbers) == list(range(1, 22))


def test_concurrent_bulk_approvals_approve_each_audit_once(live_server, people):
    store, auditor, managers = people
    audits = [submitted(live_server, store, auditor) for _ in range(3)]

    def approve(index):
        body = {"audits": audits}
        return call(
            live_server,
            "POST",
            "/api/v1/audits/approvals",
            token=managers[index % 3],
            json_body=body,
        )

    counter = iter(range(9))
    results = at_once(lambda: approve(next(counter)), count=9)
    assert {status for status, _ in results} == {200}
    assert sum(body["approved"] for _, body in results) == 3
    db.session.commit()
    stmt = select(func.count()).where(
        AuditLogEntry.action == "audit.approved", AuditLogEntry.object_id.in_(audits)
    )
    assert db.session.scalar(stmt) == 3
