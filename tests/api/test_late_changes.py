"""A visit that waited on the phone while its store was closed or its planned visit cancelled
(issue 11): the server takes it when it was started before the change (as an unplanned visit
when its assignment is gone), and still refuses one started after."""

from datetime import UTC, datetime, timedelta

from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.api.test_assignments import plan
from tests.conftest import problem_of


def submit(auditor, uuid):
    """Add the required photo and submit: answers the submit's response."""
    photo = f"/api/v1/audits/{uuid}/photos/{new_uuid()}?question=tidy"
    assert auditor.put(photo, data=jpeg(), content_type="image/jpeg").status_code == 201
    return auditor.post(f"/api/v1/audits/{uuid}/submit")


def after_now(minutes: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_visit_started_before_its_store_closed_is_taken(admin, auditor, store):
    body = audit_body(store)  # started an hour ago
    closed = admin.patch(f"/api/v1/locations/{store.location_id}", json={"active": False})
    assert closed.status_code == 200
    uuid = new_uuid()
    response = auditor.put(f"/api/v1/audits/{uuid}", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["location_id"] == store.location_id
    submitted = submit(auditor, uuid)
    assert submitted.status_code == 200
    assert submitted.get_json()["status"] == "submitted"
    # the same PUT again answers the same
    again = auditor.put(f"/api/v1/audits/{new_uuid()}", json=body)
    assert again.status_code == 201


def test_a_visit_started_after_its_store_closed_is_refused(admin, auditor, store):
    assert (
        admin.patch(f"/api/v1/locations/{store.location_id}", json={"active": False}).status_code
        == 200
    )
    body = audit_body(store, started_at=after_now(2), finished_at=None)
    uuid = new_uuid()
    response = auditor.put(f"/api/v1/audits/{uuid}", json=body)
    assert response.status_code == 422
    assert "is not active" in problem_of(response)["errors"]["location_id"][0]
    assert auditor.get(f"/api/v1/audits/{uuid}").status_code == 404  # nothing was made


def test_a_visit_without_a_start_is_refused_at_a_closed_store(admin, auditor, store):
    admin.patch(f"/api/v1/locations/{store.location_id}", json={"active": False})
    body = audit_body(store, started_at=None, finished_at=None)
    assert auditor.put(f"/api/v1/audits/{new_uuid()}", json=body).status_code == 422


def test_a_visit_whose_assignment_was_cancelled_under_way_is_unplanned(admin, auditor, store):
    assignment = plan(admin, store, auditor.user.id).get_json()
    body = audit_body(store, assignment_id=assignment["id"])  # started an hour ago
    path = f"/api/v1/assignments/{assignment['id']}"
    assert admin.patch(path, json={"status": "cancelled"}).status_code == 200
    uuid = new_uuid()
    response = auditor.put(f"/api/v1/audits/{uuid}", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["assignment_id"] is None
    assert submit(auditor, uuid).status_code == 200
    assert admin.get(path).get_json()["status"] == "cancelled"  # not made done by it


def test_a_visit_started_after_its_assignment_was_cancelled_is_refused(admin, auditor, store):
    assignment = plan(admin, store, auditor.user.id).get_json()
    path = f"/api/v1/assignments/{assignment['id']}"
    assert admin.patch(path, json={"status": "cancelled"}).status_code == 200
    body = audit_body(
        store, assignment_id=assignment["id"], started_at=after_now(2), finished_at=None
    )
    uuid = new_uuid()
    response = auditor.put(f"/api/v1/audits/{uuid}", json=body)
    assert response.status_code == 422
    assert problem_of(response)["errors"] == {"assignment_id": ["The assignment was cancelled."]}
    assert auditor.get(f"/api/v1/audits/{uuid}").status_code == 404
