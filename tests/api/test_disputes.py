"""Disputes through the API (DESIGN §10.4): who may open one (403/404 as for audits), one open
dispute per question (409), the 14-day window (422 after), a photo by the §9 rules, an admin's
decision: uphold rescores the audit and the ranking exactly, reject changes nothing; both are
in the audit log; GET /api/v1/disputes is scoped like audits."""

import io
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from auditor.core.extensions import db
from auditor.models import Audit, AuditLogEntry, Dispute, Location, Photo
from tests.api.audit_helpers import VISIT_OVERALL, VISIT_SECTIONS
from tests.api.dispute_helpers import (
    approved_audit,
    approved_days_ago,
    cast_of,
    decide,
    dispute,
)
from tests.api.images import jpeg
from tests.api.insight_helpers import approved
from tests.api.review_helpers import revisions_of, submitted
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory


@pytest.fixture
def cast(login_as, store, auditor):
    return cast_of(login_as, store, auditor)


@pytest.fixture
def audit_id(cast, store) -> str:
    return approved_audit(cast, store)


def read(client, audit_id) -> dict:
    return client.get(f"/api/v1/audits/{audit_id}").get_json()


def log_of(action: str) -> list[AuditLogEntry]:
    return list(db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == action)))


# --- opening ---------------------------------------------------------------------------------


def test_a_lead_opens_a_dispute_and_reads_it(cast, audit_id):
    response = dispute(cast.lead, audit_id, comment="  We measured 60 dB.  ")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["audit_uuid"] == audit_id
    assert (body["question"], body["comment"], body["status"]) == (
        "music_db",
        "We measured 60 dB.",
        "open",
    )
    assert body["opened_by"] == {"id": cast.lead.user.id, "name": "Lea Lead"}
    assert body["opened_at"].endswith(("Z", "+00:00"))
    assert body["decision_note"] == ""
    assert body["photo"] is None
    assert cast.lead.get(f"/api/v1/disputes/{body['id']}").get_json() == body
    [entry] = log_of("dispute.open")
    assert entry.actor_id == cast.lead.user.id
    assert entry.detail == {"dispute": body["id"], "question": "music_db"}


def test_a_manager_of_the_region_and_an_admin_open_disputes(cast, audit_id):
    assert dispute(cast.manager, audit_id, question="tidy").status_code == 201
    assert dispute(cast.admin, audit_id, question="welcome").status_code == 201


def test_one_open_dispute_per_question(cast, audit_id):
    first = dispute(cast.lead, audit_id).get_json()
    second = dispute(cast.manager, audit_id, comment="Again.")
    assert second.status_code == 409
    assert "open dispute" in problem_of(second)["detail"]
    assert dispute(cast.lead, audit_id, question="tidy").status_code == 201
    # once settled, the question may be disputed again
    assert (
        decide(cast.admin, first["id"], decision="reject", note="Photo shows 70.").status_code
        == 200
    )
    assert dispute(cast.lead, audit_id, comment="New evidence.").status_code == 201
    assert db.session.scalar(select(Dispute.id).where(Dispute.comment == "Again.")) is None


def test_the_database_holds_one_open_dispute_per_question(cast, audit_id):
    first = dispute(cast.lead, audit_id).get_json()
    row = Dispute(
        audit_id=uuid.UUID(audit_id),
        question_key="music_db",
        comment="raced",
        opened_by_id=cast.manager.user.id,
    )
    db.session.add(row)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.get(Dispute, first["id"]).status = "rejected"
    db.session.add(
        Dispute(
            audit_id=uuid.UUID(audit_id),
            question_key="music_db",
            comment="after",
            opened_by_id=cast.manager.user.id,
        )
    )
    db.session.commit()  # a settled one leaves the question free


@pytest.mark.parametrize(("days", "status"), [(13.9, 201), (14.01, 422), (40, 422)])
def test_disputes_open_within_14_days_of_approval(cast, audit_id, days, status):
    approved_days_ago(audit_id, days)
    response = dispute(cast.lead, audit_id)
    assert response.status_code == status
    if status == 422:
        assert "14 days" in problem_of(response)["errors"]["audit"][0]
        assert db.session.scalar(select(Dispute.id)) is None


def test_a_question_the_checklist_lacks_answers_422(cast, audit_id):
    response = dispute(cast.lead, audit_id, question="no_such_question")
    assert response.status_code == 422
    assert "question" in problem_of(response)["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"comment": "x"},
        {"question": "tidy"},
        {"question": "tidy", "comment": ""},
        {"question": "tidy", "comment": "   "},
        {"question": "tidy", "comment": "x", "extra": 1},
        {"x": 1},
    ],
)
def test_malformed_disputes_answer_422(cast, audit_id, body):
    response = cast.lead.post(f"/api/v1/audits/{audit_id}/disputes", json=body)
    assert response.status_code == 422
    assert problem_of(response)["errors"]


def test_only_approved_audits_are_disputed(cast, store):
    pending = submitted(cast.auditor, store)
    assert dispute(cast.manager, pending).status_code == 409
    # the lead sees approved audits only: a submitted one is not there for them
    assert dispute(cast.lead, pending).status_code == 404


def test_who_may_not_open_a_dispute(cast, audit_id, login_as, store):
    assert dispute(cast.auditor, audit_id).status_code == 403
    plain = login_as("staff", location_id=store.location_id)
    assert dispute(plain, audit_id).status_code == 403
    other_store = LocationFactory(region=db.session.get(Location, store.location_id).region)
    elsewhere = login_as("staff", location_id=other_store.id, lead=True)
    assert dispute(elsewhere, audit_id).status_code == 404
    outsider = login_as("manager", regions=[RegionFactory()])
    assert dispute(outsider, audit_id).status_code == 404
    assert dispute(cast.lead, str(uuid.uuid4())).status_code == 404
    assert db.session.scalar(select(Dispute.id)) is None


# --- the photo -------------------------------------------------------------------------------


def test_a_dispute_photo_goes_through_the_photo_pipeline(cast, audit_id):
    opened = dispute(cast.lead, audit_id).get_json()
    path = f"/api/v1/disputes/{opened['id']}/photo"
    response = cast.lead.put(path, data=jpeg(2400, 1800), content_type="image/jpeg")
    assert response.status_code == 200, response.get_json()
    photo = response.get_json()["photo"]
    assert (photo["width"], photo["height"]) == (1600, 1200)  # the display image, sanitised
    assert photo["url"] == path
    image = cast.admin.get(path)
    assert (image.status_code, image.mimetype) == (200, "image/jpeg")
    assert image.data[:2] == b"\xff\xd8"
    assert cast.lead.get(f"{path}?size=thumb").status_code == 200
    # the same bytes again answer the same photo; a multipart upload replaces it
    again = cast.lead.put(path, data=jpeg(2400, 1800), content_type="image/jpeg")
    assert again.get_json()["photo"]["uuid"] == photo["uuid"]
    form = {"file": (io.BytesIO(jpeg(300, 200)), "p.jpg")}
    replaced = cast.lead.put(path, data=form, content_type="multipart/form-data")
    assert replaced.get_json()["photo"]["width"] == 300
    stored = db.session.get(Photo, uuid.UUID(replaced.get_json()["photo"]["uuid"]))
    assert (stored.taken_at, stored.phash, stored.gps_lat) == (None, None, None)
    assert read(cast.manager, audit_id)["signals"] == []


def test_bad_dispute_photos_are_refused_and_leave_nothing(cast, audit_id):
    opened = dispute(cast.lead, audit_id).get_json()
    path = f"/api/v1/disputes/{opened['id']}/photo"
    photos = db.session.scalar(select(func.count(Photo.id)))
    not_image = cast.lead.put(path, data=b"not an image at all", content_type="image/jpeg")
    assert not_image.status_code == 415
    truncated = cast.lead.put(path, data=jpeg()[:500], content_type="image/jpeg")
    assert truncated.status_code in (415, 422)
    assert cast.manager.put(path, data=jpeg(), content_type="image/jpeg").status_code == 403
    assert db.session.scalar(select(func.count(Photo.id))) == photos
    assert cast.lead.get(path).status_code == 404  # no photo yet
    decide(cast.admin, opened["id"], decision="reject", note="No.")
    assert cast.lead.put(path, data=jpeg(), content_type="image/jpeg").status_code == 409


# --- the decision ----------------------------------------------------------------------------


def test_an_upheld_dispute_rescores_the_audit_and_the_ranking_exactly(cast, store, audit_id):
    rival = approved(store, store.location_id, 0, 1, auditor_id=cast.auditor.user.id)
    region = db.session.get(Location, store.location_id).region
    rival.location_id = LocationFactory(region=region, code="ZZZ-99").id
    rival.score_overall = 76.0
    db.session.commit()
    ranking = cast.manager.get("/api/v1/rankings").get_json()["items"]
    # by hand: m = (74.296875 + 76) / 2 = 75.1484375, k = 3
    m = (VISIT_OVERALL + 76.0) / 2
    assert (ranking[0]["location"]["code"], ranking[0]["rank"]) == ("ZZZ-99", 1)
    mine = next(row for row in ranking if row["location"]["id"] == store.location_id)
    assert mine["score"] == pytest.approx((VISIT_OVERALL + 3 * m) / 4, abs=1e-9)
    opened = dispute(cast.lead, audit_id, comment="The meter read 60 dB.").get_json()
    response = decide(cast.admin, opened["id"], decision="uphold", value=60, note="Agreed.")
    assert response.status_code == 200, response.get_json()
    settled = response.get_json()
    assert (settled["status"], settled["value"], settled["na"]) == ("upheld", 60, False)
    assert settled["decided_by"] == {"id": cast.admin.user.id, "name": "Ada Admin"}
    assert settled["decision_note"] == "Agreed."
    audit = read(cast.manager, audit_id)
    # music: 60 dB scores 1 (was 70 dB: 0.5), so 75 -> 100; overall (20*80+15*100+20*75+25*68.75)/80
    assert audit["score"]["sections"] == {**VISIT_SECTIONS, "music": 100.0}
    assert audit["score"]["overall"] == 78.984375
    m = (78.984375 + 76.0) / 2
    ranking = cast.manager.get("/api/v1/rankings").get_json()["items"]
    assert (ranking[0]["location"]["id"], ranking[0]["rank"]) == (store.location_id, 1)
    assert ranking[0]["score"] == pytest.approx((78.984375 + 3 * m) / 4, abs=1e-9)
    assert ranking[0]["mean"] == 78.984375
    assert ranking[1]["score"] == pytest.approx((76.0 + 3 * m) / 4, abs=1e-9)
    revision = revisions_of(cast.manager, audit_id)[-1]
    assert (revision["revision"], revision["kind"], revision["reason"]) == (2, "dispute", "Agreed.")
    assert revision["by"] == {"id": cast.admin.user.id, "name": "Ada Admin"}
    assert revision["changes"] == [
        {
            "question": "music_db",
            "before": {"value": 70, "na": False, "comment": ""},
            "after": {"value": 60, "na": False, "comment": ""},
        }
    ]
    [upheld] = log_of("dispute.upheld")
    assert upheld.actor_id == cast.admin.user.id
    assert upheld.detail["score"] == 78.984375
    [correction] = log_of("audit.correct")
    assert correction.detail["dispute"] == opened["id"]


def test_uphold_as_not_applicable(cast, audit_id):
    opened = dispute(cast.lead, audit_id, question="feedback_requested").get_json()
    response = decide(cast.admin, opened["id"], decision="uphold", na=True)
    assert response.status_code == 200, response.get_json()
    answers = {a["question"]: a for a in read(cast.admin, audit_id)["answers"]}
    assert answers["feedback_requested"]["na"] is True
    assert response.get_json()["decision_note"] == ""


def test_a_rejected_dispute_changes_nothing_but_its_status(cast, audit_id):
    before = read(cast.manager, audit_id)
    opened = dispute(cast.lead, audit_id).get_json()
    response = decide(
        cast.admin, opened["id"], decision="reject", note="The photo shows 70 dB.", value=None
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"
    assert response.get_json()["value"] is None
    assert read(cast.manager, audit_id) == before
    assert len(revisions_of(cast.manager, audit_id)) == 1
    [entry] = log_of("dispute.rejected")
    assert entry.detail["note"] == "The photo shows 70 dB."
    assert log_of("audit.correct") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "reject"}, "note"),
        ({"decision": "reject", "note": "  "}, "note"),
        ({"decision": "reject", "note": "x", "value": 60}, "value"),
        ({"decision": "uphold"}, "value"),
        ({"decision": "uphold", "value": 500}, "music_db"),
        ({"decision": "uphold", "value": "loud"}, "music_db"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "uphold", "value": 60, "extra": 1}, "extra"),
    ],
)
def test_wrong_decisions_answer_422_and_change_nothing(cast, audit_id, body, field):
    opened = dispute(cast.lead, audit_id).get_json()
    before = read(cast.manager, audit_id)
    response = decide(cast.admin, opened["id"], **body)
    assert response.status_code == 422
    assert field in problem_of(response)["errors"]
    assert read(cast.manager, audit_id) == before
    assert cast.admin.get(f"/api/v1/disputes/{opened['id']}").get_json()["status"] == "open"


def test_a_settled_dispute_answers_409_to_a_second_decision(cast, audit_id):
    opened = dispute(cast.lead, audit_id).get_json()
    assert decide(cast.admin, opened["id"], decision="uphold", value=60).status_code == 200
    again = decide(cast.admin, opened["id"], decision="reject", note="Changed my mind.")
    assert again.status_code == 409
    assert cast.admin.get(f"/api/v1/disputes/{opened['id']}").get_json()["status"] == "upheld"
    assert len(revisions_of(cast.admin, audit_id)) == 2


def test_only_admins_decide(cast, audit_id):
    opened = dispute(cast.lead, audit_id).get_json()
    for client in (cast.manager, cast.lead, cast.auditor):
        assert decide(client, opened["id"], decision="uphold", value=60).status_code == 403
    assert decide(cast.admin, 999999, decision="uphold", value=60).status_code == 404


# --- listing ---------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_audit(cast, audit_id, store):
    other = approved_audit(cast, store)
    first = dispute(cast.lead, audit_id).get_json()
    second = dispute(cast.lead, other, question="tidy").get_json()
    decide(cast.admin, first["id"], decision="reject", note="No.")
    page = cast.admin.get("/api/v1/disputes").get_json()
    assert (page["total"], [d["id"] for d in page["items"]]) == (2, [second["id"], first["id"]])
    assert [
        d["id"] for d in cast.admin.get("/api/v1/disputes?status=open").get_json()["items"]
    ] == [second["id"]]
    rejected = cast.admin.get("/api/v1/disputes?status=rejected").get_json()["items"]
    assert [d["id"] for d in rejected] == [first["id"]]
    assert cast.admin.get("/api/v1/disputes?status=upheld").get_json()["total"] == 0
    by_audit = cast.admin.get(f"/api/v1/disputes?audit={other}").get_json()["items"]
    assert [d["id"] for d in by_audit] == [second["id"]]
    assert cast.admin.get("/api/v1/disputes?status=closed").status_code == 422


def test_the_list_is_scoped_like_audits(cast, audit_id, login_as, store):
    opened = dispute(cast.lead, audit_id).get_json()
    path = f"/api/v1/disputes/{opened['id']}"
    for client in (cast.admin, cast.manager, cast.lead, cast.auditor):
        assert [d["id"] for d in client.get("/api/v1/disputes").get_json()["items"]] == [
            opened["id"]
        ]
        assert client.get(path).status_code == 200
    outsider = login_as("manager", regions=[RegionFactory()])
    other_lead = login_as("staff", location_id=LocationFactory().id, lead=True)
    other_auditor = login_as("auditor")
    for client in (outsider, other_lead, other_auditor):
        assert client.get("/api/v1/disputes").get_json()["total"] == 0
        assert client.get(path).status_code == 404
        assert client.get(f"{path}/photo").status_code == 404
    plain = login_as("staff", location_id=store.location_id)
    assert plain.get("/api/v1/disputes").status_code == 403
    assert plain.get(path).status_code == 403


def test_a_lead_who_is_no_longer_lead_is_refused(cast, audit_id):
    cast.admin.patch(f"/api/v1/users/{cast.lead.user.id}", json={"lead": False})
    # the token stays (only a role, password or deactivation ends sessions): the flag decides
    assert dispute(cast.lead, audit_id).status_code == 403
    assert cast.lead.get("/api/v1/disputes").status_code == 403


def test_the_openapi_document_describes_disputes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post"} <= set(paths["/api/v1/audits/{audit_id}/disputes"])
    assert {"get", "put"} <= set(paths["/api/v1/disputes/{dispute_id}/photo"])
    assert "post" in paths["/api/v1/disputes/{dispute_id}/decision"]
    assert "get" in paths["/api/v1/disputes"]
    assert "get" in paths["/api/v1/disputes/{dispute_id}"]


def test_an_audit_deleted_with_its_disputes(cast, audit_id):
    dispute(cast.lead, audit_id)
    db.session.delete(db.session.get(Audit, uuid.UUID(audit_id)))
    db.session.commit()
    assert db.session.scalar(select(Dispute.id)) is None
