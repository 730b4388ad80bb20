"""A whole visit through the API, as DESIGN §5 describes it, with the scores of §3."""

import io

import pytest

from auditor.core.extensions import db
from auditor.models import Region
from tests.api.audit_helpers import (
    FULL_OVERALL,
    POST_VISIT_ANSWERS,
    VISIT_ANSWERS,
    VISIT_OVERALL,
    audit_body,
    new_uuid,
)
from tests.api.images import jpeg, png
from tests.conftest import problem_of


@pytest.fixture
def people(login_as, store):
    region = db.session.get(Region, store.region_id)
    return login_as("auditor"), login_as("manager", regions=[region])


def photo_url(audit_id, photo_id, question=None):
    url = f"/api/v1/audits/{audit_id}/photos/{photo_id}"
    return f"{url}?question={question}" if question else url


def test_a_whole_visit(people, store):
    auditor, manager = people
    audit_id = new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201

    # the required photo is missing
    refused = auditor.post(f"/api/v1/audits/{audit_id}/submit")
    assert problem_of(refused)["errors"] == {"tidy": ["photo required"]}

    floor = new_uuid()
    stored = auditor.put(
        photo_url(audit_id, floor, "tidy"),
        data=jpeg(3000, 2000),
        headers={"Content-Type": "image/jpeg"},
    )
    assert stored.status_code == 201, stored.get_json()
    photo = stored.get_json()
    assert (photo["width"], photo["height"], photo["question"]) == (1600, 1067, "tidy")
    multipart = auditor.put(
        photo_url(audit_id, new_uuid()),
        data={"file": (io.BytesIO(png()), "x.png"), "question": "music_db"},
        content_type="multipart/form-data",
    )
    assert multipart.status_code == 201, multipart.get_json()

    submitted = auditor.post(f"/api/v1/audits/{audit_id}/submit")
    assert submitted.status_code == 200
    body = submitted.get_json()
    assert body["status"] == "submitted"
    assert body["score"]["overall"] == VISIT_OVERALL
    assert len(body["photos"]) == 2
    # repeating submit is a no-op that answers the same
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").get_json() == body
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 409

    returned = manager.post(
        f"/api/v1/audits/{audit_id}/review",
        json={"decision": "return", "note": "Knowledge needs a comment."},
    )
    assert returned.get_json()["status"] == "returned"
    assert returned.get_json()["review_note"] == "Knowledge needs a comment."

    fixed = [
        dict(a, comment="Asked about sizes.") if a["question"] == "product_knowledge" else a
        for a in VISIT_ANSWERS
    ]
    resaved = auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store, answers=fixed))
    assert resaved.status_code == 200
    assert len(resaved.get_json()["photos"]) == 2  # photos stay through a PUT
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").get_json()["status"] == "submitted"

    approved = manager.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "approved"
    again = manager.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert again.status_code == 409

    follow_up = auditor.patch(
        f"/api/v1/audits/{audit_id}/post-visit", json={"answers": POST_VISIT_ANSWERS}
    )
    assert follow_up.status_code == 200
    final = auditor.get(f"/api/v1/audits/{audit_id}").get_json()
    assert final["status"] == "approved"
    assert final["score"]["overall"] == FULL_OVERALL
    assert round(final["score"]["overall"], 1) == 79.4


def test_returning_needs_a_note(people, store):
    auditor, manager = people
    audit_id = submitted_audit(auditor, store)
    response = manager.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "return"})
    assert response.status_code == 422
    assert "note" in problem_of(response)["errors"]


def test_only_managers_of_the_region_and_admins_review(people, store, login_as):
    auditor, _ = people
    audit_id = submitted_audit(auditor, store)
    outsider = login_as("manager")
    assert (
        outsider.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"}).status_code
        == 404
    )
    assert (
        auditor.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"}).status_code
        == 403
    )
    admin = login_as("admin")
    assert (
        admin.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"}).status_code
        == 200
    )


def submitted_audit(auditor, store, answers=VISIT_ANSWERS) -> str:
    audit_id = new_uuid()
    auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store, answers=answers))
    auditor.put(
        photo_url(audit_id, new_uuid(), "tidy"), data=jpeg(), headers={"Content-Type": "image/jpeg"}
    )
    response = auditor.post(f"/api/v1/audits/{audit_id}/submit")
    assert response.status_code == 200, response.get_json()
    return audit_id


def test_photo_uploads_are_idempotent(people, store):
    auditor, _ = people
    audit_id, photo_id = new_uuid(), new_uuid()
    auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store))
    image = jpeg()
    first = auditor.put(photo_url(audit_id, photo_id, "tidy"), data=image)
    second = auditor.put(photo_url(audit_id, photo_id, "tidy"), data=image)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    other = auditor.put(photo_url(audit_id, photo_id, "tidy"), data=jpeg(colour=(0, 0, 0)))
    assert other.status_code == 409
    problem_of(other)
    # the same bytes under another UUID make another photo, sharing the stored file
    twin = auditor.put(photo_url(audit_id, new_uuid(), "tidy"), data=image)
    assert twin.status_code == 201
    audit = auditor.get(f"/api/v1/audits/{audit_id}").get_json()
    assert len(audit["photos"]) == 2


def test_photos_are_served_to_whoever_sees_the_audit(people, store, login_as):
    auditor, manager = people
    audit_id, photo_id = new_uuid(), new_uuid()
    auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store))
    auditor.put(photo_url(audit_id, photo_id, "tidy"), data=jpeg(2000, 1000))
    for viewer in (auditor, manager, login_as("admin")):
        display = viewer.get(f"/api/v1/photos/{photo_id}")
        assert display.status_code == 200
        assert display.mimetype == "image/jpeg"
        thumb = viewer.get(f"/api/v1/photos/{photo_id}?size=thumb")
        assert len(thumb.data) < len(display.data)
    assert login_as("auditor").get(f"/api/v1/photos/{photo_id}").status_code == 404
    assert login_as("manager").get(f"/api/v1/photos/{photo_id}").status_code == 404
    assert login_as("staff").get(f"/api/v1/photos/{photo_id}").status_code == 403


def test_deleting_a_photo_from_a_draft(people, store, app):
    auditor, _ = people
    audit_id, photo_id = new_uuid(), new_uuid()
    auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store))
    auditor.put(photo_url(audit_id, photo_id, "tidy"), data=jpeg())
    media = app.extensions["media"]
    assert any(media.root.rglob("*.jpg"))
    assert auditor.delete(photo_url(audit_id, photo_id)).status_code == 204
    assert auditor.get(f"/api/v1/audits/{audit_id}").get_json()["photos"] == []
    assert auditor.get(f"/api/v1/photos/{photo_id}").status_code == 404
    assert not any(media.root.rglob("*.jpg"))
    assert auditor.delete(photo_url(audit_id, photo_id)).status_code == 404


def test_photos_of_a_submitted_audit_are_fixed(people, store):
    auditor, _ = people
    audit_id = submitted_audit(auditor, store)
    photo_id = auditor.get(f"/api/v1/audits/{audit_id}").get_json()["photos"][0]["uuid"]
    assert auditor.delete(photo_url(audit_id, photo_id)).status_code == 409
    assert auditor.put(photo_url(audit_id, new_uuid()), data=jpeg()).status_code == 409


@pytest.mark.parametrize(("question", "field"), [("welcome", "question"), ("nope", "question")])
def test_photos_attach_only_to_questions_that_take_one(people, store, question, field):
    auditor, _ = people
    audit_id = new_uuid()
    auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store))
    response = auditor.put(photo_url(audit_id, new_uuid(), question), data=jpeg())
    assert response.status_code == 422
    assert field in problem_of(response)["errors"]


def test_approval_raises_corrective_actions(people, store, login_as):
    auditor, manager = people
    failing = [
        {**a, "value": True} if a["question"] == "raised_voice" else a for a in VISIT_ANSWERS
    ]
    audit_id = submitted_audit(auditor, store, failing)
    body = manager.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert body.get_json()["score"]["critical_failed"] is True
    assert body.get_json()["score"]["overall"] == 0
    listing = manager.get("/api/v1/actions").get_json()
    found = {(a["section"], a["question"]) for a in listing["items"]}
    # the critical question, and the music section at 25 (below the threshold of 60)
    assert found == {("music", "raised_voice"), ("music", None)}
    action = listing["items"][0]
    assert action["audit_uuid"] == audit_id
    assert action["location"]["id"] == store.location_id
    assert action["owner"]["id"] == manager.user.id
    assert action["status"] == "open"
    refused = manager.patch(f"/api/v1/actions/{action['id']}", json={"status": "done"})
    assert refused.status_code == 422
    done = manager.patch(
        f"/api/v1/actions/{action['id']}",
        json={"status": "done", "note": "Music turned down; staff briefed."},
    )
    assert done.status_code == 200
    assert done.get_json()["status"] == "done"
    assert login_as("manager").get("/api/v1/actions").get_json()["total"] == 0
    assert auditor.get("/api/v1/actions").status_code == 403
