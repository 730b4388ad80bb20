"""A location's optional opening hours (DESIGN §2) through the API."""

import pytest

from tests.conftest import problem_of

HOURS = {"mon": ["09:00", "20:00"], "sat": ["10:00", "16:00"], "sun": ["22:00", "02:00"]}


def test_opening_hours_are_set_read_and_cleared(admin, region):
    body = {"code": "H1", "name": "Hours", "region_id": region.id, "opening_hours": HOURS}
    created = admin.post("/api/v1/locations", json=body)
    assert created.status_code == 201
    assert created.get_json()["opening_hours"] == HOURS
    url = f"/api/v1/locations/{created.get_json()['id']}"
    assert admin.get(url).get_json()["opening_hours"] == HOURS
    assert admin.patch(url, json={"name": "Renamed"}).get_json()["opening_hours"] == HOURS
    assert admin.patch(url, json={"opening_hours": None}).get_json()["opening_hours"] is None


@pytest.mark.parametrize(
    "hours",
    [
        {"monday": ["09:00", "20:00"]},
        {"mon": ["09:00"]},
        {"mon": ["9:00", "20:00"]},
        {"mon": ["09:00", "09:00"]},
        {"mon": "09:00-20:00"},
        ["mon", "09:00", "20:00"],
    ],
)
def test_wrong_opening_hours_answer_422_and_change_nothing(admin, location, hours):
    url = f"/api/v1/locations/{location.id}"
    response = admin.patch(url, json={"opening_hours": hours})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert all(key.startswith("opening_hours") for key in problem_of(response)["errors"])
    assert admin.get(url).get_json()["opening_hours"] is None
