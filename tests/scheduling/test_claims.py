"""Open visits auditors may claim (DESIGN §10.8): listed near them, the first claim wins."""

import pytest
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import Assignment
from tests.conftest import problem_of
from tests.scheduling.helpers import three_stores_three_auditors


@pytest.fixture
def open_schedule(admin, app):
    """A schedule with no auditors: every visit it creates is open to claim."""
    world = three_stores_three_auditors(auditors=0)
    response = admin.post("/api/v1/schedules", json=world.body(auditor_ids=[]))
    assert response.status_code == 201
    return world


def test_open_visits_near_the_auditor_nearest_first(login_as, open_schedule):
    auditor = login_as("auditor")
    response = auditor.get("/api/v1/assignments/open?lat=52.52&lon=13.405&radius_km=20")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert {item["location_id"] for item in items} == set(open_schedule.location_ids)
    assert all(item["auditor_id"] is None for item in items)
    distances = [item["distance_m"] for item in items]
    assert distances == sorted(distances)
    assert distances[-1] <= 20_000
    far = auditor.get("/api/v1/assignments/open?lat=48.1&lon=11.6&radius_km=5").get_json()
    assert far["items"] == []
    everywhere = auditor.get("/api/v1/assignments/open").get_json()["items"]
    assert len(everywhere) == len(
        db.session.scalars(select(Assignment).where(Assignment.auditor_id.is_(None))).all()
    )
    assert everywhere[0]["window"]


def test_the_first_claim_wins(login_as, open_schedule):
    first, second = login_as("auditor"), login_as("auditor")
    visit = first.get("/api/v1/assignments/open").get_json()["items"][0]
    response = first.post(f"/api/v1/assignments/{visit['id']}/claim")
    assert response.status_code == 200
    assert response.get_json()["auditor_id"] == first.user.id
    late = second.post(f"/api/v1/assignments/{visit['id']}/claim")
    assert late.status_code == 409
    assert problem_of(late)["status"] == 409
    assert visit["id"] not in [
        v["id"] for v in second.get("/api/v1/assignments/open").get_json()["items"]
    ]
    mine = first.get("/api/v1/assignments").get_json()["items"]
    assert [v["id"] for v in mine] == [visit["id"]]


def test_claims_refused_for_clashes_days_off_and_other_roles(login_as, open_schedule):
    auditor = login_as("auditor")
    items = auditor.get("/api/v1/assignments/open").get_json()["items"]
    same_window = [
        item
        for item in items[1:]
        if item["due_from"] < items[0]["due_to"] and item["due_to"] > items[0]["due_from"]
    ]
    assert auditor.post(f"/api/v1/assignments/{items[0]['id']}/claim").status_code == 200
    for clash in same_window:
        assert auditor.post(f"/api/v1/assignments/{clash['id']}/claim").status_code == 409
    away = login_as("auditor")
    day = items[-1]["due_from"][:10]
    away.post("/api/v1/me/unavailability", json={"days": [day]})
    assert away.post(f"/api/v1/assignments/{items[-1]['id']}/claim").status_code == 409
    assert login_as("staff").get("/api/v1/assignments/open").status_code == 403
    assert (
        login_as("manager").post(f"/api/v1/assignments/{items[1]['id']}/claim").status_code == 403
    )
    assert auditor.post("/api/v1/assignments/999999/claim").status_code == 404
    assert auditor.get("/api/v1/assignments/open?lat=52").status_code == 422
