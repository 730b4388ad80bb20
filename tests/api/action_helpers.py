"""Approved audits that fail (or pass) for the corrective-action and email tests."""

import io

from PIL import Image

from tests.api.audit_helpers import VISIT_ANSWERS, audit_body, new_uuid

# the critical "had to raise your voice" fails: the music section scores 25
FAILING = [{**a, "value": True} if a["question"] == "raised_voice" else a for a in VISIT_ANSWERS]
PASSING = VISIT_ANSWERS


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def approved(auditor, manager, store, answers=FAILING) -> str:
    """A visit at the store, submitted and approved: its uuid."""
    audit_id = submitted(auditor, store, answers)
    review = manager.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert review.status_code == 200, review.get_json()
    return audit_id


def submitted(auditor, store, answers=FAILING) -> str:
    """A visit at the store, submitted: its uuid."""
    audit_id = new_uuid()
    auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store, answers=answers))
    auditor.put(
        f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy",
        data=jpeg(),
        headers={"Content-Type": "image/jpeg"},
    )
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    return audit_id
