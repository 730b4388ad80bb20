"""The issue's acceptance walk: a client that knows only DESIGN §5 sets up a programme."""

from auditor.checklists.versions import default_definition
from tests.conftest import problem_of
from tests.factories import PASSWORD, UserFactory


def bearer(client, email, password):
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_an_admin_sets_up_a_programme_and_an_auditor_reads_the_checklist(client):
    UserFactory(role="admin", email="root@example.com")
    admin = bearer(client, "root@example.com", PASSWORD)

    region = client.post("/api/v1/regions", json={"name": "West"}, headers=admin).get_json()
    location = client.post(
        "/api/v1/locations",
        json={
            "code": "W-1",
            "name": "West One",
            "region_id": region["id"],
            "lat": 51.5,
            "lon": -0.12,
            "timezone": "Europe/London",
            "address": "1 High St",
        },
        headers=admin,
    )
    assert location.status_code == 201
    location = location.get_json()

    people = {
        "manager": {"region_ids": [region["id"]]},
        "auditor": {},
        "staff": {"location_id": location["id"]},
        "admin": {},
    }
    for role, extra in people.items():
        created = client.post(
            "/api/v1/users",
            json={
                "email": f"{role}@west.example",
                "name": role.title(),
                "role": role,
                "password": "a-long-password",
                **extra,
            },
            headers=admin,
        )
        assert created.status_code == 201, created.get_json()

    checklist = client.post("/api/v1/checklists", json=default_definition(), headers=admin)
    assert checklist.status_code == 201
    checklist_id = checklist.get_json()["id"]
    published = client.post(f"/api/v1/checklists/{checklist_id}/publish", headers=admin)
    assert published.get_json()["status"] == "published"

    auditor = bearer(client, "AUDITOR@west.example", "a-long-password")
    me = client.get("/api/v1/me", headers=auditor).get_json()
    assert (me["email"], me["role"]) == ("auditor@west.example", "auditor")
    read = client.get(f"/api/v1/checklists/{checklist_id}", headers=auditor)
    assert read.status_code == 200
    body = read.get_json()
    assert (body["key"], body["version"], body["status"]) == ("store-visit", 1, "published")
    assert [s["weight"] for s in body["sections"]] == [20, 15, 20, 25, 20]

    manager = bearer(client, "manager@west.example", "a-long-password")
    assert client.get(f"/api/v1/locations/{location['id']}", headers=manager).status_code == 200
    refused = client.post("/api/v1/regions", json={"name": "East"}, headers=manager)
    assert refused.status_code == 403
    problem_of(refused)
