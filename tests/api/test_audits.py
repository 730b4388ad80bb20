"""Audits through the API: create, replace, submit, review, post-visit, scope (DESIGN §5)."""

import pytest

from tests.api.audit_helpers import (
    FULL_OVERALL,
    POST_VISIT_ANSWERS,
    VISIT_ANSWERS,
    VISIT_OVERALL,
    VISIT_SECTIONS,
    audit_body,
    new_uuid,
)
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory


@pytest.fixture
def manager(login_as, store):
    from auditor.core.extensions import db
    from auditor.models import Region

    return login_as("manager", regions=[db.session.get(Region, store.region_id)])


def put(auditor, audit_id, body):
    return auditor.put(f"/api/v1/audits/{audit_id}", json=body)


def answers_without(*keys):
    return [a for a in VISIT_ANSWERS if a["question"] not in keys]


def test_put_creates_then_replaces(auditor, store):
    audit_id, sent = new_uuid().upper(), audit_body(store)
    created = put(auditor, audit_id, sent)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["uuid"] == audit_id.lower()
    assert body["status"] == "draft"
    assert body["score"] == {
        "overall": VISIT_OVERALL,
        "sections": VISIT_SECTIONS,
        "critical_failed": False,
    }
    assert body["staff_ids"] == [store.staff_id]
    assert body["started_at"].endswith("+00:00")
    again = put(auditor, audit_id, sent)
    assert again.status_code == 200
    same = again.get_json()
    assert {k: v for k, v in same.items() if k != "updated_at"} == {
        k: v for k, v in body.items() if k != "updated_at"
    }


def test_put_replaces_answers_and_fields(auditor, store):
    audit_id = new_uuid()
    put(auditor, audit_id, audit_body(store))
    replaced = put(
        auditor,
        audit_id,
        audit_body(store, answers=VISIT_ANSWERS[:2], notes=None, staff_ids=[], geo=None),
    )
    body = replaced.get_json()
    assert [a["question"] for a in body["answers"]] == ["greet_seconds", "welcome"]
    assert body["notes"] == ""
    assert body["staff_ids"] == []
    assert body["geo"] is None
    assert body["score"]["sections"]["greeting"] == 100.0


def test_answers_store_earned_and_possible_points(auditor, store):
    body = put(auditor, new_uuid(), audit_body(store)).get_json()
    by_key = {a["question"]: a for a in body["answers"]}
    assert (by_key["greet_seconds"]["earned"], by_key["greet_seconds"]["possible"]) == (2, 2)
    assert (by_key["music_db"]["earned"], by_key["music_db"]["possible"]) == (0.5, 1)
    assert by_key["thanked_goodbye"]["comment"] == "No goodbye at the till."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"checklist_id": 999999}, "checklist_id"),
        ({"location_id": 999999}, "location_id"),
        ({"assignment_id": 999999}, "assignment_id"),
        ({"started_at": "2026-11-20T10:00:00"}, "started_at"),
        ({"finished_at": "yesterday"}, "finished_at"),
        ({"geo": {"lat": 100, "lon": 0}}, "geo.lat"),
        ({"staff_ids": [999999]}, "staff_ids"),
        ({"status": "approved"}, "status"),
        ({"score": 100}, "score"),
        ({"auditor_id": 1}, "auditor_id"),
        ({"answers": [{"question": "welcome", "value": "yes"}]}, "welcome"),
        ({"answers": [{"question": "found_without_help", "value": 9}]}, "found_without_help"),
        ({"answers": [{"question": "welcome", "na": True}]}, "welcome"),
        ({"answers": [{"question": "nope", "value": 1}]}, "nope"),
        ({"answers": [{"question": "welcome", "value": True}] * 2}, "welcome"),
        ({"answers": [{"question": "welcome", "value": True, "extra": 1}]}, "answers.0.extra"),
    ],
)
def test_bad_audits_answer_422_and_create_nothing(auditor, store, change, field):
    audit_id = new_uuid()
    response = put(auditor, audit_id, {**audit_body(store), **change})
    assert response.status_code == 422
    assert field in problem_of(response)["errors"], problem_of(response)["errors"]
    assert auditor.get(f"/api/v1/audits/{audit_id}").status_code == 404


def test_finish_before_start_is_refused(auditor, store):
    body = audit_body(store, started_at="2026-11-20T10:00:00Z", finished_at="2026-11-20T09:00:00Z")
    assert put(auditor, new_uuid(), body).status_code == 422


def test_only_auditors_put_audits(login_as, store):
    for role in ("admin", "manager", "staff"):
        user = login_as(role)
        assert put(user, new_uuid(), audit_body(store)).status_code == 403


def test_another_auditors_audit_is_not_found(auditor, login_as, store):
    audit_id = new_uuid()
    put(auditor, audit_id, audit_body(store))
    other = login_as("auditor")
    assert other.get(f"/api/v1/audits/{audit_id}").status_code == 404
    assert put(other, audit_id, audit_body(store)).status_code == 404
    assert other.post(f"/api/v1/audits/{audit_id}/submit").status_code == 404


def test_submit_lists_every_missing_answer_and_photo(auditor, store):
    audit_id = new_uuid()
    put(auditor, audit_id, audit_body(store, answers=answers_without("welcome", "music_db")))
    response = auditor.post(f"/api/v1/audits/{audit_id}/submit")
    assert response.status_code == 422
    errors = problem_of(response)["errors"]
    assert errors == {
        "welcome": ["answer required"],
        "music_db": ["answer required"],
        "tidy": ["photo required"],
    }
    assert auditor.get(f"/api/v1/audits/{audit_id}").get_json()["status"] == "draft"


def test_distance_from_the_store_is_flagged_beyond_300_m(auditor, store):
    near = put(auditor, new_uuid(), audit_body(store)).get_json()
    assert near["distance_m"] < 50
    assert near["far_from_location"] is False
    far_geo = {"lat": 52.53, "lon": 13.405, "accuracy": 5}  # about 1.1 km north
    far = put(auditor, new_uuid(), audit_body(store, geo=far_geo)).get_json()
    assert 1000 < far["distance_m"] < 1250
    assert far["far_from_location"] is True


def test_staff_see_no_audits(login_as, store):
    staff = login_as("staff")
    assert staff.get("/api/v1/audits").status_code == 403


def test_list_filters_and_scopes(auditor, login_as, store):
    for _ in range(3):
        put(auditor, new_uuid(), audit_body(store))
    other = login_as("auditor")
    put(other, new_uuid(), audit_body(store))
    assert auditor.get("/api/v1/audits").get_json()["total"] == 3
    admin = login_as("admin")
    assert admin.get("/api/v1/audits").get_json()["total"] == 4
    assert admin.get("/api/v1/audits?status=submitted").get_json()["total"] == 0
    listing = admin.get(f"/api/v1/audits?location_id={store.location_id}&per_page=2").get_json()
    assert listing["total"] == 4
    assert len(listing["items"]) == 2
    foreign = LocationFactory(region=RegionFactory())
    assert admin.get(f"/api/v1/audits?location_id={foreign.id}").get_json()["total"] == 0


def test_managers_see_only_their_regions_audits(auditor, login_as, store):
    audit_id = new_uuid()
    put(auditor, audit_id, audit_body(store))
    outsider = login_as("manager")
    assert outsider.get("/api/v1/audits").get_json()["total"] == 0
    assert outsider.get(f"/api/v1/audits/{audit_id}").status_code == 404


def test_review_of_a_draft_answers_409(auditor, manager, store):
    audit_id = new_uuid()
    put(auditor, audit_id, audit_body(store))
    response = manager.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert response.status_code == 409
    problem_of(response)


def test_post_visit_refuses_visit_questions(auditor, store):
    audit_id = new_uuid()
    put(auditor, audit_id, audit_body(store))
    response = auditor.patch(
        f"/api/v1/audits/{audit_id}/post-visit",
        json={"answers": [{"question": "welcome", "value": True}]},
    )
    assert response.status_code == 422
    assert "welcome" in problem_of(response)["errors"]


def test_post_visit_scores_follow_through(auditor, store):
    audit_id = new_uuid()
    put(auditor, audit_id, audit_body(store))
    response = auditor.patch(
        f"/api/v1/audits/{audit_id}/post-visit", json={"answers": POST_VISIT_ANSWERS}
    )
    assert response.status_code == 200
    score = response.get_json()["score"]
    assert score["sections"]["follow_through"] == 100.0
    assert score["overall"] == FULL_OVERALL


def test_post_visit_window_does_not_follow_a_client_finished_at(auditor, store):
    # the window counts from the server's submit time (DESIGN §10.1); a draft has none yet
    audit_id = new_uuid()
    body = audit_body(store, started_at="2020-01-01T10:00:00Z", finished_at="2020-01-01T10:30:00Z")
    put(auditor, audit_id, body)
    response = auditor.patch(
        f"/api/v1/audits/{audit_id}/post-visit", json={"answers": POST_VISIT_ANSWERS}
    )
    assert response.status_code == 200, response.get_json()
