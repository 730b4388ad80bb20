"""Regions, locations and users through the API: CRUD, uniqueness and scope."""

import pytest

from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory

NEW_LOCATION = {
    "code": "BER-01",
    "name": "Berlin Mitte",
    "address": "Unter den Linden 1",
    "lat": 52.517,
    "lon": 13.389,
    "timezone": "Europe/Berlin",
}


def test_admin_creates_and_lists_regions(admin):
    response = admin.post("/api/v1/regions", json={"name": "North"})
    assert response.status_code == 201
    region = response.get_json()
    assert region == {"id": region["id"], "name": "North"}
    listing = admin.get("/api/v1/regions").get_json()
    assert listing["total"] == 1
    assert listing["items"] == [region]


def test_region_names_are_unique(admin):
    admin.post("/api/v1/regions", json={"name": "North"})
    response = admin.post("/api/v1/regions", json={"name": "North"})
    assert response.status_code == 409
    problem_of(response)


def test_managers_read_only_their_regions(login_as):
    mine, other = RegionFactory(name="Mine"), RegionFactory(name="Other")
    manager = login_as("manager", regions=[mine])
    listing = manager.get("/api/v1/regions").get_json()
    assert [r["name"] for r in listing["items"]] == ["Mine"]
    assert manager.get(f"/api/v1/regions/{other.id}").status_code == 404
    assert manager.post("/api/v1/regions", json={"name": "Mine too"}).status_code == 403


def test_admin_creates_a_location(admin, region):
    response = admin.post("/api/v1/locations", json={**NEW_LOCATION, "region_id": region.id})
    assert response.status_code == 201
    body = response.get_json()
    expected = {**NEW_LOCATION, "region_id": region.id, "id": body["id"], "active": True}
    assert body == {**expected, "opening_hours": None}
    assert admin.get(f"/api/v1/locations/{body['id']}").get_json() == body


def test_a_location_needs_only_code_name_and_region(admin, region):
    response = admin.post(
        "/api/v1/locations", json={"code": "X1", "name": "X", "region_id": region.id}
    )
    assert response.status_code == 201
    assert response.get_json()["timezone"] == "UTC"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region_id": None}, "region_id"),
        ({"region_id": 999999}, "region_id"),
        ({"lat": 91}, "lat"),
        ({"lon": -181}, "lon"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"code": ""}, "code"),
        ({"code": "has space"}, "code"),
        ({"name": ""}, "name"),
        ({"region_id": "1"}, "region_id"),
    ],
)
def test_bad_locations_answer_422_by_field(admin, region, change, field):
    body = {**NEW_LOCATION, "region_id": region.id, **change}
    response = admin.post("/api/v1/locations", json=body)
    assert response.status_code == 422
    assert field in problem_of(response)["errors"]
    assert admin.get("/api/v1/locations").get_json()["total"] == 0


def test_location_codes_are_unique(admin, region):
    body = {**NEW_LOCATION, "region_id": region.id}
    assert admin.post("/api/v1/locations", json=body).status_code == 201
    assert admin.post("/api/v1/locations", json=body).status_code == 409


def test_patch_changes_only_what_it_names(admin, location):
    response = admin.patch(f"/api/v1/locations/{location.id}", json={"name": "Renamed"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "Renamed"
    assert body["code"] == location.code
    assert body["timezone"] == "Europe/Berlin"


def test_patch_refuses_a_taken_code(admin, region):
    first, second = LocationFactory(region=region), LocationFactory(region=region)
    response = admin.patch(f"/api/v1/locations/{second.id}", json={"code": first.code})
    assert response.status_code == 409


def test_managers_read_their_regions_locations_only(login_as):
    mine, other = RegionFactory(), RegionFactory()
    own, foreign = LocationFactory(region=mine), LocationFactory(region=other)
    manager = login_as("manager", regions=[mine])
    listing = manager.get("/api/v1/locations").get_json()
    assert [item["id"] for item in listing["items"]] == [own.id]
    assert manager.get(f"/api/v1/locations/{own.id}").status_code == 200
    assert manager.get(f"/api/v1/locations/{foreign.id}").status_code == 404
    assert manager.patch(f"/api/v1/locations/{own.id}", json={"name": "x"}).status_code == 403


def test_locations_filter_by_region(admin):
    a, b = RegionFactory(), RegionFactory()
    LocationFactory(region=a)
    LocationFactory(region=b)
    listing = admin.get(f"/api/v1/locations?region_id={b.id}").get_json()
    assert listing["total"] == 1
    assert listing["items"][0]["region_id"] == b.id


def test_lists_paginate(admin):
    for n in range(7):
        admin.post("/api/v1/regions", json={"name": f"R{n}"})
    page = admin.get("/api/v1/regions?page=2&per_page=3").get_json()
    assert page["total"] == 7
    assert [r["name"] for r in page["items"]] == ["R3", "R4", "R5"]
    assert page["page"] == 2
    assert page["per_page"] == 3


@pytest.mark.parametrize("role", ["admin", "manager", "auditor", "staff"])
def test_admin_creates_users_of_every_role(admin, role, location):
    body = {
        "email": f"New.{role}@Example.com",
        "name": f"New {role}",
        "role": role,
        "password": "long-enough-pw",
    }
    if role == "manager":
        body["region_ids"] = [location.region_id]
    if role == "staff":
        body["location_id"] = location.id
    response = admin.post("/api/v1/users", json=body)
    assert response.status_code == 201, response.get_json()
    user = response.get_json()
    assert user["email"] == f"new.{role}@example.com"
    assert user["role"] == role
    assert "password" not in user
    assert user["region_ids"] == body.get("region_ids", [])
    assert user["location_id"] == body.get("location_id")
    token = admin.client.post(
        "/api/v1/auth/token", json={"email": body["email"], "password": "long-enough-pw"}
    )
    assert token.status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"role": "owner"}, 422, "role"),
        ({"email": "not-an-email"}, 422, "email"),
        ({"password": "short"}, 422, "password"),
        ({"region_ids": [999999]}, 422, "region_ids"),
        ({"location_id": 999999, "role": "staff"}, 422, "location_id"),
        ({"region_ids": [1], "role": "auditor"}, 422, "region_ids"),
        ({"score": 5}, 422, "score"),
    ],
)
def test_bad_users_are_refused(admin, change, status, field):
    body = {"email": "x@example.com", "name": "X", "role": "manager", "password": "long-enough"}
    response = admin.post("/api/v1/users", json={**body, **change})
    assert response.status_code == status
    assert field in problem_of(response)["errors"]


def test_emails_are_unique_whatever_their_case(admin):
    body = {"email": "dup@example.com", "name": "A", "role": "auditor", "password": "long-enough"}
    assert admin.post("/api/v1/users", json=body).status_code == 201
    response = admin.post("/api/v1/users", json={**body, "email": "DUP@example.com"})
    assert response.status_code == 409
    problem_of(response)


def test_only_admins_manage_users(login_as):
    manager = login_as("manager")
    assert manager.get("/api/v1/users").status_code == 403
    assert (
        manager.patch(f"/api/v1/users/{manager.user.id}", json={"role": "admin"}).status_code == 403
    )


def test_patching_a_missing_user_answers_404(admin):
    assert admin.patch("/api/v1/users/999999", json={"name": "x"}).status_code == 404


def test_a_role_change_revokes_the_users_tokens(admin, login_as):
    auditor = login_as("auditor")
    assert auditor.get("/api/v1/me").status_code == 200
    response = admin.patch(f"/api/v1/users/{auditor.user.id}", json={"role": "staff"})
    assert response.status_code == 200
    assert response.get_json()["role"] == "staff"
    assert auditor.get("/api/v1/me").status_code == 401


def test_deactivation_revokes_tokens_and_blocks_login(admin, login_as):
    auditor = login_as("auditor")
    admin.patch(f"/api/v1/users/{auditor.user.id}", json={"active": False})
    assert auditor.get("/api/v1/me").status_code == 401
    again = admin.client.post(
        "/api/v1/auth/token", json={"email": auditor.user.email, "password": "correct-horse"}
    )
    assert again.status_code == 401


def test_a_rename_keeps_tokens(admin, login_as):
    auditor = login_as("auditor")
    admin.patch(f"/api/v1/users/{auditor.user.id}", json={"name": "Renamed"})
    assert auditor.get("/api/v1/me").get_json()["name"] == "Renamed"


def test_users_filter_by_role(admin, login_as):
    login_as("auditor")
    login_as("staff")
    listing = admin.get("/api/v1/users?role=staff").get_json()
    assert listing["total"] == 1
    assert listing["items"][0]["role"] == "staff"
