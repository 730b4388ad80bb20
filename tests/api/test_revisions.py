"""Revisions (DESIGN §10.1): every submit stores what changed, revision 1 every answer from null;
the reviewer's notes per question reach the auditor through the audit's `review`."""

import pytest

from auditor.core.extensions import db
from auditor.models import Region
from tests.api.audit_helpers import VISIT_ANSWERS, audit_body, new_uuid, published_store
from tests.api.review_helpers import given, resubmitted, revisions_of, submitted


@pytest.fixture
def store(app):
    return published_store()


@pytest.fixture
def auditor(login_as):
    return login_as("auditor", name="Ali Auditor")


@pytest.fixture
def manager(login_as, store):
    return login_as(
        "manager", name="Mara Manager", regions=[db.session.get(Region, store.region_id)]
    )


def test_revision_1_lists_every_answer_as_a_change_from_null(auditor, manager, store):
    audit_id = submitted(auditor, store)
    audit = manager.get(f"/api/v1/audits/{audit_id}").get_json()
    [revision] = revisions_of(manager, audit_id)
    assert revision["revision"] == 1
    assert revision["kind"] == "submit"
    assert revision["submitted_at"] == audit["submitted_at"]
    assert revision["by"] == {"id": auditor.user.id, "name": "Ali Auditor"}
    assert revision["changes"] == [
        {"question": a["question"], "before": None, "after": given(a)} for a in VISIT_ANSWERS
    ]
    # the auditor sees the same history of their own audit
    assert revisions_of(auditor, audit_id) == [revision]


def test_a_resubmit_lists_exactly_what_changed_since_the_return(auditor, manager, store):
    audit_id = submitted(auditor, store)
    returned = manager.post(
        f"/api/v1/audits/{audit_id}/review",
        json={
            "decision": "return",
            "note": "Two answers look wrong.",
            "questions": {"tidy": "  The photo shows clear aisles.  ", "music_db": "Measured?"},
        },
    )
    assert returned.status_code == 200, returned.get_json()
    # the auditor reads the notes beside each question from the audit's review
    review = auditor.get(f"/api/v1/audits/{audit_id}").get_json()["review"]
    assert review["decision"] == "return"
    assert review["note"] == "Two answers look wrong."
    assert review["questions"] == {"tidy": "The photo shows clear aisles.", "music_db": "Measured?"}
    assert review["by"] == {"id": manager.user.id, "name": "Mara Manager"}
    assert review["at"] is not None

    body = resubmitted(
        auditor, store, audit_id, {"tidy": {"value": 5}, "music_db": {"comment": "Phone meter."}}
    )
    assert body["status"] == "submitted"
    first, second = revisions_of(manager, audit_id)
    assert first["revision"] == 1
    assert len(first["changes"]) == len(VISIT_ANSWERS)
    assert second["revision"] == 2
    assert second["kind"] == "submit"
    assert second["submitted_at"] == body["submitted_at"]
    assert second["changes"] == [
        {
            "question": "music_db",
            "before": {"value": 70, "na": False, "comment": ""},
            "after": {"value": 70, "na": False, "comment": "Phone meter."},
        },
        {
            "question": "tidy",
            "before": {"value": 3, "na": False, "comment": ""},
            "after": {"value": 5, "na": False, "comment": ""},
        },
    ]


def test_a_resubmit_without_changes_is_a_revision_with_none(auditor, manager, store):
    audit_id = submitted(auditor, store)
    review = {"decision": "return", "note": "Check again."}
    assert manager.post(f"/api/v1/audits/{audit_id}/review", json=review).status_code == 200
    resubmitted(auditor, store, audit_id, {})
    assert [r["changes"] for r in revisions_of(manager, audit_id)][1:] == [[]]
    # a repeated submit is a no-op: no third revision
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    assert len(revisions_of(manager, audit_id)) == 2


def test_a_removed_answer_is_a_change_to_null(auditor, manager, store):
    audit_id = submitted(auditor, store)
    review = {"decision": "return", "note": "Drop the comment on the goodbye."}
    assert manager.post(f"/api/v1/audits/{audit_id}/review", json=review).status_code == 200
    extra = [*VISIT_ANSWERS, {"question": "feedback_requested", "value": True}]
    assert (
        auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store, extra)).status_code == 200
    )
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    review = {"decision": "return", "note": "The follow-up comes later."}
    assert manager.post(f"/api/v1/audits/{audit_id}/review", json=review).status_code == 200
    resubmitted(auditor, store, audit_id, {})
    third = revisions_of(manager, audit_id)[2]
    assert third["changes"] == [
        {
            "question": "feedback_requested",
            "before": {"value": True, "na": False, "comment": ""},
            "after": None,
        }
    ]


def test_a_draft_has_no_revisions(auditor, store):
    audit_id = new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
    assert revisions_of(auditor, audit_id) == []


def test_revisions_are_scoped_like_the_audit(auditor, login_as, store):
    audit_id = submitted(auditor, store)
    url = f"/api/v1/audits/{audit_id}/revisions"
    other_region = Region(name="Elsewhere")
    db.session.add(other_region)
    db.session.commit()
    assert login_as("auditor").get(url).status_code == 404
    assert login_as("manager", regions=[other_region]).get(url).status_code == 404
    assert login_as("staff").get(url).status_code == 403
    assert login_as("admin").get(url).status_code == 200
    assert login_as("admin").get(f"/api/v1/audits/{new_uuid()}/revisions").status_code == 404
