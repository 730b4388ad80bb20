"""Admin pages: users, locations with CSV import, checklists, assignments; 403 for managers."""

import io
import json

import pytest
from sqlalchemy import func, select

from auditor.checklists import versions
from auditor.core.extensions import db
from auditor.models import Assignment, Checklist, Location, User
from tests.factories import UserFactory
from tests.web.page_world import browse_as, csrf_of

ADMIN_PAGES = ["/admin/users", "/admin/locations", "/admin/checklists", "/admin/assignments"]


@pytest.fixture
def admin(client, world):
    return browse_as(client, world.admin)


def post(client, path, data, **kwargs):
    return client.post(path, data={"csrf_token": csrf_of(client, "/admin/users"), **data}, **kwargs)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_render_for_admins_and_refuse_managers(client, world, path):
    browse_as(client, world.admin)
    assert client.get(path).status_code == 200
    browse_as(client, world.manager_a)
    assert client.get(path).status_code == 403
    assert client.post(path, data={"csrf_token": csrf_of(client, "/manager")}).status_code == 403


def test_creating_and_editing_a_user(admin, world):
    response = post(
        admin,
        "/admin/users",
        {
            "email": "New@Example.com",
            "name": "Nia New",
            "role": "manager",
            "password": "long-enough-1",
            "region_ids": [str(world.region_a.id)],
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert [r.name for r in user.regions] == ["Alpha Region"]
    assert "Nia New" in admin.get("/admin/users").get_data(as_text=True)
    response = post(
        admin,
        f"/admin/users/{user.id}",
        {
            "email": user.email,
            "name": "Nia Renamed",
            "role": "manager",
            "region_ids": [str(world.region_b.id)],
            "active": "on",
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, [r.name for r in user.regions]) == ("Nia Renamed", ["Bravo Region"])


def test_a_refused_user_form_flashes_the_reason(admin, world):
    response = post(
        admin,
        "/admin/users",
        {"email": world.admin.email, "name": "X", "role": "admin", "password": "long-enough-1"},
    )
    assert "exists already" in admin.get(response.location).get_data(as_text=True)
    response = post(
        admin, "/admin/users", {"email": "", "name": "", "role": "boss", "password": ""}
    )
    page = admin.get(response.location).get_data(as_text=True)
    assert "email: Required." in page
    assert "role:" in page
    assert admin.get("/admin/users/999999").status_code == 404


def test_creating_and_deactivating_a_location(admin, world):
    response = post(
        admin,
        "/admin/locations",
        {
            "code": "CCC-01",
            "name": "Celle",
            "region_id": str(world.region_a.id),
            "timezone": "Europe/Berlin",
            "lat": "52.6",
            "lon": "",
        },
    )
    assert response.status_code == 302
    store = db.session.scalar(select(Location).where(Location.code == "CCC-01"))
    assert store.lat == 52.6
    post(admin, f"/admin/locations/{store.id}/active", {})
    db.session.refresh(store)
    assert store.active is False
    response = post(
        admin,
        "/admin/locations",
        {"code": "X", "name": "Y", "region_id": str(world.region_a.id), "timezone": "Mars/Base"},
    )
    assert "IANA" in admin.get(response.location).get_data(as_text=True)


def upload(client, text: str):
    return post(
        client,
        "/admin/locations/import",
        {"file": (io.BytesIO(text.encode()), "stores.csv")},
        content_type="multipart/form-data",
    )


def test_the_csv_import_is_all_or_nothing_with_a_per_row_report(admin, world):
    before = count(Location)
    bad = (
        "code,name,region\nNEW-1,New One,Alpha Region\nAAA-01,Dup,Alpha Region\nNEW-2,Two,Nowhere\n"
    )
    response = upload(admin, bad)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Nothing was imported" in body
    assert "exists already" in body
    assert "Nowhere" in body
    assert count(Location) == before
    good = (
        "code,name,region,timezone\n"
        "NEW-1,New One,Alpha Region,Europe/Berlin\n"
        "NEW-2,Two,Bravo Region,\n"
    )
    response = upload(admin, good)
    assert response.status_code == 302
    assert count(Location) == before + 2
    assert "Imported 2 locations" in admin.get(response.location).get_data(as_text=True)


def test_checklist_import_publish_and_diff(admin, world):
    definition = versions.default_definition()
    definition["sections"][0]["questions"][0]["text"] = "Seconds before anyone said hello"
    response = post(
        admin,
        "/admin/checklists",
        {"file": (io.BytesIO(json.dumps(definition).encode()), "store-visit.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    v2 = db.session.scalar(
        select(Checklist).where(Checklist.key == "store-visit", Checklist.version == 2)
    )
    assert v2.status == "draft"
    page = admin.get("/admin/checklists").get_data(as_text=True)
    assert "Changes since v1" in page
    diff = admin.get(f"/admin/checklists/diff?old={world.checklist_id}&new={v2.id}")
    assert "Seconds before anyone said hello" in diff.get_data(as_text=True)
    post(admin, f"/admin/checklists/{v2.id}/publish", {})
    db.session.refresh(v2)
    assert v2.status == "published"
    response = post(admin, "/admin/checklists", {"definition": "{not json"})
    assert "Not valid JSON" in admin.get(response.location).get_data(as_text=True)
    response = post(admin, "/admin/checklists", {"definition": json.dumps({"key": "x"})})
    assert "sections" in admin.get(response.location).get_data(as_text=True)


def test_single_and_bulk_assignments_with_rotation(admin, world):
    first, second = (
        UserFactory(role="auditor", name="Ann A"),
        UserFactory(role="auditor", name="Ben B"),
    )
    base = {
        "checklist_id": str(world.checklist_id),
        "due_from": "2030-01-01",
        "due_to": "2030-01-07",
    }
    response = post(
        admin,
        "/admin/assignments",
        {**base, "location_id": str(world.store_a.id), "auditor_id": str(first.id)},
    )
    assert response.status_code == 302
    assert count(Assignment) == 1
    stores = [world.store_a.id, world.weak_a.id, world.store_b.id]
    post(
        admin,
        "/admin/assignments",
        {
            **base,
            "location_id": [str(s) for s in stores],
            "auditor_id": [str(first.id), str(second.id)],
        },
    )
    made = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()[1:]
    assert [(a.location_id, a.auditor_id) for a in made] == list(
        zip(stores, [first.id, second.id, first.id], strict=True)
    )
    assert made[0].due_to > made[0].due_from
    response = post(
        admin,
        "/admin/assignments",
        {**base, "location_id": [str(world.store_a.id), "999999"], "auditor_id": str(first.id)},
    )
    assert count(Assignment) == 4  # one bad store refuses the whole batch
    assert "Unknown location" in admin.get(response.location).get_data(as_text=True)
    assert "Ben B" in admin.get("/admin/assignments").get_data(as_text=True)


def test_editing_a_location(admin, world):
    path = f"/admin/locations/{world.weak_a.id}"
    assert "Wedel Corner" in admin.get(path).get_data(as_text=True)
    form = {"code": "AAA-02", "name": "Wedel Harbour", "region_id": str(world.region_b.id)}
    assert post(admin, path, {**form, "timezone": "Europe/Berlin"}).status_code == 302
    db.session.refresh(world.weak_a)
    assert (world.weak_a.name, world.weak_a.region_id) == ("Wedel Harbour", world.region_b.id)
    response = post(admin, path, {**form, "code": "BBB-01", "timezone": "UTC"})
    assert "exists already" in admin.get(response.location).get_data(as_text=True)
    assert admin.get("/admin/locations/999999").status_code == 404
