"""Audits submitted, returned and resubmitted through the API, for the review tests."""

import uuid

from tests.api.audit_helpers import VISIT_ANSWERS, audit_body, new_uuid
from tests.api.signal_helpers import scene


def submitted(auditor, store, answers=VISIT_ANSWERS, **fields) -> str:
    """A draft with its tidy photo (a scene of its own, so no photo_reused), submitted."""
    audit_id = new_uuid()
    body = audit_body(store, answers, **fields)
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=body).status_code == 201
    photo = f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy"
    assert auditor.put(photo, data=scene(uuid.UUID(audit_id).int % 10**9)).status_code == 201
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    return audit_id


def resubmitted(auditor, store, audit_id: str, changed: dict) -> dict:
    """The returned audit with some answers changed (`{key: {field: value}}`), submitted."""
    answers = [dict(a, **changed.get(a["question"], {})) for a in VISIT_ANSWERS]
    body = audit_body(store, answers)
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=body).status_code == 200
    response = auditor.post(f"/api/v1/audits/{audit_id}/submit")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def revisions_of(client, audit_id) -> list[dict]:
    response = client.get(f"/api/v1/audits/{audit_id}/revisions")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def given(answer: dict) -> dict:
    """An answer as a revision shows it: value, na and comment, defaults filled in."""
    return {
        "value": answer.get("value"),
        "na": answer.get("na", False),
        "comment": answer.get("comment", ""),
    }
