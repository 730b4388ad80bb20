"""Review with quality control (DESIGN §10.2): reject with a reason, return with notes per
question, a reviewer's correction of one answer that rescores exactly, bulk approval of audits
without signals, and ?signal= on the list."""

import pytest
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import AuditLogEntry, Region
from tests.api.audit_helpers import (
    VISIT_ANSWERS,
    VISIT_OVERALL,
    VISIT_SECTIONS,
    audit_body,
    new_uuid,
    published_store,
)
from tests.api.review_helpers import revisions_of, submitted
from tests.conftest import problem_of

FAR = {"lat": 52.62, "lon": 13.405, "accuracy": 10}  # about 11 km from the store


@pytest.fixture
def manager(login_as, store):
    return login_as(
        "manager", name="Mara Manager", regions=[db.session.get(Region, store.region_id)]
    )


def review(client, audit_id, **body):
    return client.post(f"/api/v1/audits/{audit_id}/review", json=body)


def correct(client, audit_id, key, /, **body):
    return client.patch(f"/api/v1/audits/{audit_id}/answers/{key}", json=body)


def read(client, audit_id) -> dict:
    return client.get(f"/api/v1/audits/{audit_id}").get_json()


def log_of(audit_id, action) -> list[AuditLogEntry]:
    stmt = select(AuditLogEntry).where(
        AuditLogEntry.object_id == str(audit_id), AuditLogEntry.action == action
    )
    return list(db.session.scalars(stmt))


# --- reject ----------------------------------------------------------------------------------


@pytest.mark.parametrize("note", [None, "", "   "])
def test_a_reject_needs_a_note_and_changes_nothing(auditor, manager, store, note):
    audit_id = submitted(auditor, store)
    before = read(manager, audit_id)
    refused = review(manager, audit_id, decision="reject", note=note)
    assert refused.status_code == 422
    assert "note" in problem_of(refused)["errors"]
    assert read(manager, audit_id) == before


def test_a_rejected_audit_is_read_only_listed_with_its_reason_and_never_counted(
    auditor, manager, store
):
    audit_id = submitted(auditor, store)
    rejected = review(manager, audit_id, decision="reject", note="  Not a real visit.  ")
    assert rejected.status_code == 200, rejected.get_json()
    body = rejected.get_json()
    assert body["status"] == "rejected"
    assert body["review"]["decision"] == "reject"
    assert body["review"]["note"] == "Not a real visit."
    assert body["review"]["questions"] == {}
    assert body["review"]["by"] == {"id": manager.user.id, "name": "Mara Manager"}
    assert len(log_of(audit_id, "audit.rejected")) == 1
    # read-only: no edit, no second review, no correction; a repeated submit changes nothing
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 409
    assert review(manager, audit_id, decision="approve").status_code == 409
    assert correct(manager, audit_id, "tidy", value=5, reason="x").status_code == 409
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").get_json()["status"] == "rejected"
    # listed with its reason, to the auditor too
    [listed] = auditor.get("/api/v1/audits?status=rejected").get_json()["items"]
    assert listed["uuid"] == audit_id
    assert listed["review"]["note"] == "Not a real visit."
    # never counted: the store stays unranked
    ranking = manager.get("/api/v1/rankings").get_json()
    assert ranking["items"] == []
    assert [u["location"]["id"] for u in ranking["unranked"]] == [store.location_id]


# --- return with notes per question ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "return", "note": "x", "questions": {"nope": "?"}}, "questions.nope"),
        ({"decision": "return", "note": "x", "questions": {"tidy": "  "}}, "questions.tidy"),
        ({"decision": "approve", "questions": {"tidy": "Fine."}}, "questions"),
        ({"decision": "reject", "note": "x", "questions": {"tidy": "No."}}, "questions"),
        ({"decision": "return", "questions": {"tidy": "Which aisle?"}}, "note"),
        ({"decision": "return", "note": "x", "questions": {"tidy": 3}}, "questions.tidy.value"),
        ({"decision": "return", "note": "x", "questions": ["tidy"]}, "questions"),
        ({"decision": "maybe", "note": "x"}, "decision"),
        ({"decision": "return", "note": "x", "extra": 1}, "extra"),
    ],
)
def test_a_wrong_review_answers_422_and_changes_nothing(auditor, manager, store, body, field):
    audit_id = submitted(auditor, store)
    before = read(manager, audit_id)
    refused = review(manager, audit_id, **body)
    assert refused.status_code == 422
    assert field in problem_of(refused)["errors"]
    assert read(manager, audit_id) == before


def test_returned_notes_per_question_are_kept_until_the_next_review(auditor, manager, store):
    audit_id = submitted(auditor, store)
    notes = {"tidy": "The photo shows clear aisles.", "greet_seconds": "Timed from the door?"}
    body = review(manager, audit_id, decision="return", note="Please check.", questions=notes)
    assert body.status_code == 200, body.get_json()
    assert body.get_json()["review"]["questions"] == notes
    assert log_of(audit_id, "audit.returned")[0].detail["questions"] == notes
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 200
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    assert read(auditor, audit_id)["review"]["questions"] == notes  # the latest review still
    approved = review(manager, audit_id, decision="approve").get_json()
    assert approved["review"]["decision"] == "approve"
    assert approved["review"]["questions"] == {}


def test_an_unreviewed_audit_has_no_review(auditor, store):
    audit_id = submitted(auditor, store)
    assert read(auditor, audit_id)["review"] is None


# --- a reviewer's correction -----------------------------------------------------------------


def test_a_correction_rescores_exactly_and_is_a_revision_and_logged(auditor, manager, store):
    audit_id = submitted(auditor, store)
    assert read(manager, audit_id)["score"]["overall"] == VISIT_OVERALL
    response = correct(manager, audit_id, "music_db", value=60, reason="The photo shows 60 dB.")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "submitted"
    # music: 60 dB scores 1 (was 70 dB: 0.5), so 75 -> 100, and the overall
    # (20*80 + 15*100 + 20*75 + 25*68.75) / 80
    assert body["score"]["sections"] == {**VISIT_SECTIONS, "music": 100.0}
    assert body["score"]["overall"] == 78.984375
    music = next(a for a in body["answers"] if a["question"] == "music_db")
    assert (music["value"], music["earned"], music["possible"]) == (60, 1.0, 1.0)
    assert read(manager, audit_id)["score"]["overall"] == 78.984375
    correction = revisions_of(manager, audit_id)[-1]
    assert correction["revision"] == 2
    assert correction["kind"] == "correction"
    assert correction["reason"] == "The photo shows 60 dB."
    assert correction["by"] == {"id": manager.user.id, "name": "Mara Manager"}
    assert correction["changes"] == [
        {
            "question": "music_db",
            "before": {"value": 70, "na": False, "comment": ""},
            "after": {"value": 60, "na": False, "comment": ""},
        }
    ]
    [entry] = log_of(audit_id, "audit.correct")
    assert entry.actor_id == manager.user.id
    assert entry.detail["reason"] == "The photo shows 60 dB."
    assert entry.detail["score"] == 78.984375


def test_a_correction_to_a_critical_failure_zeroes_the_overall(auditor, login_as, store):
    audit_id = submitted(auditor, store)
    body = correct(login_as("admin"), audit_id, "raised_voice", value=True, reason="Heard it.")
    assert body.status_code == 200, body.get_json()
    score = body.get_json()["score"]
    assert score["critical_failed"] is True
    assert score["overall"] == 0
    assert score["sections"]["music"] == 25.0  # sections stay as computed: (0.5 + 0) / 2


def test_a_correction_of_a_comment_keeps_the_value(auditor, manager, store):
    audit_id = submitted(auditor, store)
    body = correct(manager, audit_id, "tidy", comment="Boxes in aisle 3.", reason="Per photo.")
    assert body.status_code == 200, body.get_json()
    tidy = next(a for a in body.get_json()["answers"] if a["question"] == "tidy")
    assert (tidy["value"], tidy["comment"]) == (3, "Boxes in aisle 3.")
    assert body.get_json()["score"]["overall"] == VISIT_OVERALL


@pytest.mark.parametrize(
    ("question", "body", "field"),
    [
        ("tidy", {"value": 5}, "reason"),
        ("tidy", {"value": 5, "reason": "   "}, "reason"),
        ("tidy", {"value": 9, "reason": "Typo."}, "tidy"),
        ("tidy", {"value": None, "reason": "Unknown."}, "tidy"),
        ("tidy", {"na": True, "reason": "Not there."}, "tidy"),
        ("music_db", {"value": 500, "reason": "Loud."}, "music_db"),
        ("nope", {"value": 1, "reason": "Typo."}, "nope"),
        ("tidy", {"value": 5, "reason": "x", "question": "tidy"}, "question"),
        ("tidy", {"value": 5, "reason": "x", "comment": "x" * 2001}, "comment"),
    ],
)
def test_a_wrong_correction_answers_422_and_changes_nothing(
    auditor, manager, store, question, body, field
):
    audit_id = submitted(auditor, store)
    before = read(manager, audit_id)
    refused = correct(manager, audit_id, question, **body)
    assert refused.status_code == 422, refused.get_json()
    assert field in problem_of(refused)["errors"]
    assert read(manager, audit_id) == before
    assert len(revisions_of(manager, audit_id)) == 1


def test_only_a_submitted_audit_in_scope_is_corrected_by_a_manager_or_admin(
    auditor, manager, login_as, store
):
    draft = new_uuid()
    assert auditor.put(f"/api/v1/audits/{draft}", json=audit_body(store)).status_code == 201
    assert correct(manager, draft, "tidy", value=5, reason="x").status_code == 409
    approved = submitted(auditor, store)
    assert review(manager, approved, decision="approve").status_code == 200
    assert correct(manager, approved, "tidy", value=5, reason="x").status_code == 409
    audit_id = submitted(auditor, store)
    assert correct(auditor, audit_id, "tidy", value=5, reason="x").status_code == 403
    assert correct(login_as("staff"), audit_id, "tidy", value=5, reason="x").status_code == 403
    elsewhere = Region(name="Elsewhere")
    db.session.add(elsewhere)
    db.session.commit()
    outsider = login_as("manager", regions=[elsewhere])
    assert correct(outsider, audit_id, "tidy", value=5, reason="x").status_code == 404
    assert read(manager, audit_id)["score"]["overall"] == VISIT_OVERALL


# --- bulk approval ---------------------------------------------------------------------------


def test_bulk_approval_approves_only_submitted_audits_in_scope_without_signals(
    auditor, manager, login_as, store
):
    clean = [submitted(auditor, store) for _ in range(2)]
    flagged = submitted(auditor, store, geo=FAR)
    assert [s["code"] for s in read(manager, flagged)["signals"]] == ["far_from_location"]
    draft = new_uuid()
    assert auditor.put(f"/api/v1/audits/{draft}", json=audit_body(store)).status_code == 201
    other = published_store()
    elsewhere = submitted(login_as("auditor"), other)
    unknown = new_uuid()
    asked = [*clean, flagged, draft, elsewhere, unknown, clean[0]]
    response = manager.post("/api/v1/audits/approvals", json={"audits": asked})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["approved"] == 2
    assert [s["uuid"] for s in body["skipped"]] == [flagged, draft, elsewhere, unknown]
    reasons = [s["reason"] for s in body["skipped"]]
    assert "far_from_location" in reasons[0]
    assert "draft" in reasons[1]
    assert reasons[2] == reasons[3] == "Not found."
    assert [read(manager, a)["status"] for a in clean] == ["approved", "approved"]
    assert read(manager, flagged)["status"] == "submitted"
    assert read(auditor, draft)["status"] == "draft"
    assert read(login_as("admin"), elsewhere)["status"] == "submitted"
    assert all(read(manager, a)["review"]["by"]["id"] == manager.user.id for a in clean)
    # a repeat approves nothing more
    again = manager.post("/api/v1/audits/approvals", json={"audits": clean}).get_json()
    assert again["approved"] == 0
    assert [s["reason"] for s in again["skipped"]] == ["The audit is approved."] * 2


@pytest.mark.parametrize(
    "body",
    [{}, {"audits": []}, {"audits": ["not-a-uuid"]}, {"audits": "x"}, {"audits": [], "x": 1}],
)
def test_a_wrong_bulk_approval_answers_422(manager, body):
    response = manager.post("/api/v1/audits/approvals", json=body)
    assert response.status_code == 422
    assert problem_of(response)["errors"]


def test_bulk_approval_is_for_managers_and_admins(auditor, login_as, store):
    audit_id = submitted(auditor, store)
    for role in ("auditor", "staff"):
        client = auditor if role == "auditor" else login_as(role)
        response = client.post("/api/v1/audits/approvals", json={"audits": [audit_id]})
        assert response.status_code == 403
    assert read(auditor, audit_id)["status"] == "submitted"
    admin = login_as("admin").post("/api/v1/audits/approvals", json={"audits": [audit_id]})
    assert admin.get_json() == {"approved": 1, "skipped": []}


# --- ?signal= --------------------------------------------------------------------------------


def test_audits_filter_by_signal_code(auditor, manager, store):
    clean = submitted(auditor, store)
    far = submitted(auditor, store, geo=FAR)
    listed = manager.get("/api/v1/audits?signal=far_from_location").get_json()
    assert [item["uuid"] for item in listed["items"]] == [far]
    assert listed["total"] == 1
    assert listed["items"][0]["signals"][0]["code"] == "far_from_location"
    assert manager.get("/api/v1/audits?signal=short_visit").get_json()["items"] == []
    everything = manager.get("/api/v1/audits").get_json()["items"]
    assert {item["uuid"] for item in everything} == {clean, far}


@pytest.mark.parametrize("code", ["nope", "", "FAR_FROM_LOCATION", "far_from_location\x00"])
def test_an_unknown_signal_code_answers_422(manager, code):
    response = manager.get("/api/v1/audits", query_string={"signal": code})
    assert response.status_code == 422
    assert "signal" in problem_of(response)["errors"]


def test_signals_are_listed_in_answers_too(auditor, store):
    audit_id = submitted(auditor, store, answers=VISIT_ANSWERS)
    assert read(auditor, audit_id)["signals"] == []
