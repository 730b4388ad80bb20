"""Approved audits made through the API, a lead staff member and a manager of the store, for
the dispute tests (DESIGN §10.4)."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from auditor.core.extensions import db
from auditor.models import Audit, Region, utcnow
from tests.api.review_helpers import submitted
from tests.conftest import ApiClient


@dataclass
class Cast:
    """Who takes part: the auditor, the store's lead and manager, an admin."""

    auditor: ApiClient
    lead: ApiClient
    manager: ApiClient
    admin: ApiClient


def cast_of(login_as, store, auditor) -> Cast:
    region = db.session.get(Region, store.region_id)
    lead = login_as("staff", name="Lea Lead", location_id=store.location_id, lead=True)
    return Cast(
        auditor=auditor,
        lead=lead,
        manager=login_as("manager", name="Mara Manager", regions=[region]),
        admin=login_as("admin", name="Ada Admin"),
    )


def approved_audit(cast: Cast, store, **fields) -> str:
    """An audit submitted by the auditor and approved by the manager (just now)."""
    audit_id = submitted(cast.auditor, store, **fields)
    response = cast.manager.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert response.status_code == 200, response.get_json()
    return audit_id


def approved_days_ago(audit_id: str, days: float) -> None:
    """Move an audit's approval back in time."""
    audit = db.session.get(Audit, uuid.UUID(audit_id))
    audit.reviewed_at = utcnow() - timedelta(days=days)
    db.session.commit()


def dispute(client, audit_id, question="music_db", comment="Music was quiet.", **body):
    return client.post(
        f"/api/v1/audits/{audit_id}/disputes",
        json={"question": question, "comment": comment, **body},
    )


def decide(client, dispute_id, **body):
    return client.post(f"/api/v1/disputes/{dispute_id}/decision", json=body)
