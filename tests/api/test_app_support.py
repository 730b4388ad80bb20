"""What the phone app needs: a bearer token from the page login, stores and their rosters."""

import pytest

from auditor.core.extensions import db
from auditor.models import Region
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory, UserFactory
from tests.web.test_login import fields_of, log_in

SESSION_TOKEN = "/api/v1/auth/session-token"


@pytest.fixture
def auditor(app):
    return UserFactory(role="auditor", email="ada@example.com", name="Ada Auditor")


def page_csrf(client) -> str:
    """The CSRF token the app pages carry in <meta name="csrf-token">."""
    return fields_of(client.get("/app")).meta_csrf


# -- the session token ----------------------------------------------------------------------


def test_a_logged_in_page_gets_a_bearer_token_with_its_csrf_token(client, auditor):
    log_in(client, auditor.email)
    response = client.post(SESSION_TOKEN, headers={"X-CSRF-Token": page_csrf(client)})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["user"] == {
        "id": auditor.id,
        "email": "ada@example.com",
        "name": "Ada Auditor",
        "role": "auditor",
    }
    assert body["expires_at"]
    client.delete_cookie("session")  # the token works on its own, without the cookie
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["id"] == auditor.id


def test_a_session_token_needs_the_csrf_token(client, auditor):
    log_in(client, auditor.email)
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = client.post(SESSION_TOKEN, headers=headers)
        assert response.status_code == 403
        assert "CSRF" in problem_of(response)["detail"]


def test_a_session_token_needs_a_login(client):
    response = client.post(SESSION_TOKEN)
    assert response.status_code == 401
    problem_of(response)


def test_bearer_clients_log_in_with_their_password_instead(login_as):
    auditor = login_as("auditor")
    response = auditor.post(SESSION_TOKEN)
    assert response.status_code == 403
    assert "/api/v1/auth/token" in problem_of(response)["detail"]


def test_logging_out_of_the_app_revokes_its_token(client, auditor):
    log_in(client, auditor.email)
    token = client.post(SESSION_TOKEN, headers={"X-CSRF-Token": page_csrf(client)}).get_json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert client.delete("/api/v1/auth/token", headers=bearer).status_code == 204
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


# -- stores an auditor may visit -------------------------------------------------------------


def test_an_auditor_lists_every_active_store_with_what_a_visit_needs(login_as):
    north, south = RegionFactory(), RegionFactory()
    first = LocationFactory(region=north, code="A-1", name="Alpha", address="Main st 1")
    LocationFactory(region=south, code="B-1", name="Beta")
    LocationFactory(region=south, code="C-1", name="Closed", active=False)
    response = login_as("auditor").get("/api/v1/me/locations")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2
    assert [item["code"] for item in body["items"]] == ["A-1", "B-1"]
    assert body["items"][0] == {
        "id": first.id,
        "code": "A-1",
        "name": "Alpha",
        "address": "Main st 1",
        "lat": 52.52,
        "lon": 13.405,
        "timezone": "Europe/Berlin",
    }


def test_a_manager_lists_the_stores_of_their_regions_only(login_as):
    mine, other = RegionFactory(), RegionFactory()
    LocationFactory(region=mine, code="M-1")
    LocationFactory(region=other, code="O-1")
    manager = login_as("manager", regions=[mine])
    codes = [item["code"] for item in manager.get("/api/v1/me/locations").get_json()["items"]]
    assert codes == ["M-1"]


def test_stores_are_listed_page_by_page(login_as):
    region = RegionFactory()
    for n in range(5):
        LocationFactory(region=region, code=f"P-{n}")
    body = login_as("auditor").get("/api/v1/me/locations?per_page=2&page=3").get_json()
    assert body["total"] == 5
    assert [item["code"] for item in body["items"]] == ["P-4"]


def test_staff_list_no_stores(login_as, location):
    staff = login_as("staff", location_id=location.id)
    response = staff.get("/api/v1/me/locations")
    assert response.status_code == 403
    problem_of(response)


# -- a store's roster --------------------------------------------------------------------------


@pytest.fixture
def roster(location):
    """Two active staff members of `location`, one former one, and one of another store."""
    other = LocationFactory(region=location.region)
    return {
        "zoe": UserFactory(role="staff", name="Zoe", location_id=location.id),
        "ann": UserFactory(role="staff", name="Ann", location_id=location.id),
        "gone": UserFactory(role="staff", name="Gone", location_id=location.id, active=False),
        "elsewhere": UserFactory(role="staff", name="Elsewhere", location_id=other.id),
    }


def test_an_auditor_reads_a_stores_active_staff_names_and_ids_only(login_as, location, roster):
    response = login_as("auditor").get(f"/api/v1/locations/{location.id}/staff")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2
    assert body["items"] == [
        {"id": roster["ann"].id, "name": "Ann"},
        {"id": roster["zoe"].id, "name": "Zoe"},
    ]


def test_staff_never_see_other_staff(login_as, location, roster):
    staff = login_as("staff", location_id=location.id)
    response = staff.get(f"/api/v1/locations/{location.id}/staff")
    assert response.status_code == 403
    assert "Zoe" not in response.get_data(as_text=True)


def test_a_manager_reads_rosters_of_their_regions_only(login_as, location, roster):
    inside = login_as("manager", regions=[db.session.get(Region, location.region_id)])
    assert inside.get(f"/api/v1/locations/{location.id}/staff").status_code == 200
    outside = login_as("manager", regions=[RegionFactory()])
    response = outside.get(f"/api/v1/locations/{location.id}/staff")
    assert response.status_code == 404
    problem_of(response)


@pytest.mark.parametrize(
    "path", ["/api/v1/locations/{closed}/staff", "/api/v1/locations/999999/staff"]
)
def test_rosters_of_closed_or_unknown_stores_are_not_found(login_as, region, path):
    closed = LocationFactory(region=region, active=False)
    response = login_as("auditor").get(path.format(closed=closed.id))
    assert response.status_code == 404
    problem_of(response)


def test_the_new_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths[SESSION_TOKEN]
    assert "get" in paths["/api/v1/me/locations"]
    assert "get" in paths["/api/v1/locations/{location_id}/staff"]
