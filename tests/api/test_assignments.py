"""Planned visits: who may plan them, who sees them, and their completion by a submit."""

from datetime import UTC, datetime, timedelta

import pytest

from auditor.core.extensions import db
from auditor.models import Region
from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory

SOON = datetime.now(UTC).replace(microsecond=0)


def plan(planner, store, auditor_id, **change):
    body = {
        "location_id": store.location_id,
        "auditor_id": auditor_id,
        "checklist_id": store.checklist_id,
        "due_from": SOON.isoformat(),
        "due_to": (SOON + timedelta(days=7)).isoformat(),
        **change,
    }
    return planner.post("/api/v1/assignments", json=body)


def test_a_manager_plans_a_visit_in_their_region(login_as, store):
    manager = login_as("manager", regions=[db.session.get(Region, store.region_id)])
    auditor = login_as("auditor")
    response = plan(manager, store, auditor.user.id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "open"
    assert body["location"]["id"] == store.location_id
    mine = auditor.get("/api/v1/assignments").get_json()
    assert [a["id"] for a in mine["items"]] == [body["id"]]


def test_a_manager_cannot_plan_outside_their_regions(login_as, store):
    outsider = login_as("manager", regions=[RegionFactory()])
    auditor = login_as("auditor")
    response = plan(outsider, store, auditor.user.id)
    assert response.status_code == 422
    assert "location_id" in problem_of(response)["errors"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_to": SOON.isoformat()}, "due_to"),
        ({"due_from": "2026-01-01T00:00:00"}, "due_from"),
        ({"checklist_id": 999999}, "checklist_id"),
        ({"status": "done"}, "status"),
    ],
)
def test_bad_plans_answer_422(login_as, store, change, field):
    admin, auditor = login_as("admin"), login_as("auditor")
    response = plan(admin, store, auditor.user.id, **change)
    assert response.status_code == 422
    assert field in problem_of(response)["errors"]


def test_only_auditors_are_assigned(login_as, store):
    admin = login_as("admin")
    staff = login_as("staff")
    response = plan(admin, store, staff.user.id)
    assert response.status_code == 422
    assert "auditor_id" in problem_of(response)["errors"]


@pytest.mark.parametrize("role", ["auditor", "staff"])
def test_auditors_and_staff_do_not_plan(login_as, store, role):
    user = login_as(role)
    assert plan(user, store, user.user.id).status_code == 403


def test_auditors_see_only_their_own(login_as, store):
    admin = login_as("admin")
    first, second = login_as("auditor"), login_as("auditor")
    plan(admin, store, first.user.id)
    plan(admin, store, second.user.id)
    assert first.get("/api/v1/assignments").get_json()["total"] == 1
    assert admin.get("/api/v1/assignments").get_json()["total"] == 2
    other = second.get("/api/v1/assignments").get_json()["items"][0]["id"]
    assert first.get(f"/api/v1/assignments/{other}").status_code == 404
    assert login_as("staff").get("/api/v1/assignments").status_code == 403


def test_submitting_the_audit_completes_the_assignment(login_as, store):
    admin, auditor = login_as("admin"), login_as("auditor")
    assignment = plan(admin, store, auditor.user.id).get_json()
    audit_id = new_uuid()
    body = audit_body(store, assignment_id=assignment["id"])
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=body).status_code == 201
    auditor.put(f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy", data=jpeg())
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    done = auditor.get(f"/api/v1/assignments/{assignment['id']}").get_json()
    assert done["status"] == "done"
    assert auditor.get("/api/v1/assignments?status=open").get_json()["total"] == 0


def test_an_audit_may_not_use_someone_elses_assignment(login_as, store):
    admin, auditor, other = login_as("admin"), login_as("auditor"), login_as("auditor")
    assignment = plan(admin, store, other.user.id).get_json()
    body = audit_body(store, assignment_id=assignment["id"])
    response = auditor.put(f"/api/v1/audits/{new_uuid()}", json=body)
    assert response.status_code == 422
    assert "assignment_id" in problem_of(response)["errors"]


def test_an_assignment_at_another_location_is_refused(login_as, store):
    admin, auditor = login_as("admin"), login_as("auditor")
    elsewhere = LocationFactory(region=db.session.get(Region, store.region_id))
    assignment = plan(admin, store, auditor.user.id, location_id=elsewhere.id).get_json()
    response = auditor.put(
        f"/api/v1/audits/{new_uuid()}", json=audit_body(store, assignment_id=assignment["id"])
    )
    assert response.status_code == 422


def test_cancelling_and_rescheduling(login_as, store):
    admin, auditor = login_as("admin"), login_as("auditor")
    assignment = plan(admin, store, auditor.user.id).get_json()
    later = (SOON + timedelta(days=14)).isoformat()
    moved = admin.patch(f"/api/v1/assignments/{assignment['id']}", json={"due_to": later})
    assert moved.status_code == 200
    assert moved.get_json()["due_to"].startswith(later[:19])
    bad = admin.patch(
        f"/api/v1/assignments/{assignment['id']}",
        json={"due_to": (SOON - timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 422
    cancelled = admin.patch(f"/api/v1/assignments/{assignment['id']}", json={"status": "cancelled"})
    assert cancelled.get_json()["status"] == "cancelled"
    assert (
        auditor.patch(
            f"/api/v1/assignments/{assignment['id']}", json={"status": "open"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("status", ["cancelled", "done"])
def test_a_cancelled_or_done_visit_no_longer_changes(login_as, store, status):
    admin, auditor = login_as("admin"), login_as("auditor")
    assignment = plan(admin, store, auditor.user.id).get_json()
    path = f"/api/v1/assignments/{assignment['id']}"
    assert admin.patch(path, json={"status": status}).status_code == 200
    later = (SOON + timedelta(days=30)).isoformat()
    for change in ({"status": "open"}, {"due_to": later}, {"auditor_id": auditor.user.id}):
        response = admin.patch(path, json=change)
        assert response.status_code == 409
        assert f"is {status}" in problem_of(response)["detail"]
    assert admin.get(path).get_json()["status"] == status
