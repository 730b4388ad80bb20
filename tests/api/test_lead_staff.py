"""The `lead` flag of staff users (DESIGN §2, §10.4): through the API (admin only, staff
only), the admin's user form and `flask create-user --lead`."""

import pytest
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import AuditLogEntry, User
from tests.conftest import problem_of
from tests.factories import UserFactory
from tests.web.page_world import browse_as, csrf_of

STAFF = {"email": "lead@example.com", "name": "Lea Lead", "role": "staff", "password": "long-pw-1"}


def test_a_staff_member_is_created_lead_and_reads_so(admin, location):
    response = admin.post("/api/v1/users", json={**STAFF, "location_id": location.id, "lead": True})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["lead"] is True
    assert admin.get(f"/api/v1/users/{created['id']}").get_json()["lead"] is True
    assert db.session.get(User, created["id"]).lead is True


def test_users_are_not_lead_unless_told(admin, location):
    response = admin.post("/api/v1/users", json={**STAFF, "location_id": location.id})
    assert response.get_json()["lead"] is False
    listed = admin.get("/api/v1/users?role=staff").get_json()["items"]
    assert [user["lead"] for user in listed] == [False]


def test_patch_makes_and_unmakes_a_lead_and_logs_it(admin, location):
    staff = UserFactory(role="staff", location=location)
    response = admin.patch(f"/api/v1/users/{staff.id}", json={"lead": True})
    assert response.status_code == 200
    assert response.get_json()["lead"] is True
    assert admin.patch(f"/api/v1/users/{staff.id}", json={"name": "N"}).get_json()["lead"]
    response = admin.patch(f"/api/v1/users/{staff.id}", json={"lead": False})
    assert response.get_json()["lead"] is False
    entries = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.object_id == str(staff.id))
    ).all()
    assert [entry.detail["fields"] for entry in entries] == [["lead"], ["name"], ["lead"]]


@pytest.mark.parametrize("role", ["admin", "manager", "auditor"])
def test_only_staff_lead_a_store(admin, role):
    body = {**STAFF, "role": role, "lead": True}
    response = admin.post("/api/v1/users", json=body)
    assert response.status_code == 422
    assert "lead" in problem_of(response)["errors"]
    assert db.session.scalar(select(User).where(User.email == STAFF["email"])) is None


def test_a_lead_set_on_another_role_by_patch_is_refused_and_changes_nothing(admin):
    auditor = UserFactory(role="auditor")
    response = admin.patch(f"/api/v1/users/{auditor.id}", json={"lead": True, "name": "Changed"})
    assert response.status_code == 422
    assert "lead" in problem_of(response)["errors"]
    db.session.refresh(auditor)
    assert (auditor.lead, auditor.name) != (True, "Changed")
    assert auditor.lead is False


def test_a_lead_who_stops_being_staff_stops_being_lead(admin, location):
    staff = UserFactory(role="staff", location=location, lead=True)
    response = admin.patch(f"/api/v1/users/{staff.id}", json={"role": "auditor"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["lead"] is False


def test_only_admins_set_lead(login_as, location):
    staff = UserFactory(role="staff", location=location)
    manager = login_as("manager", regions=[location.region])
    response = manager.patch(f"/api/v1/users/{staff.id}", json={"lead": True})
    assert response.status_code == 403
    db.session.refresh(staff)
    assert staff.lead is False


def test_a_wrong_type_of_lead_answers_422(admin, location):
    response = admin.post("/api/v1/users", json={**STAFF, "lead": "maybe"})
    assert response.status_code == 422
    assert "lead" in problem_of(response)["errors"]


def test_the_admin_user_form_sets_and_clears_lead(client, location):
    staff = UserFactory(role="staff", location=location)
    browse_as(client, UserFactory(role="admin"))
    page = client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert 'name="lead"' in page
    form = {
        "csrf_token": csrf_of(client, "/admin/users"),
        "email": staff.email,
        "name": staff.name,
        "role": "staff",
        "location_id": str(location.id),
        "active": "on",
    }
    assert client.post(f"/admin/users/{staff.id}", data={**form, "lead": "on"}).status_code == 302
    db.session.refresh(staff)
    assert staff.lead is True
    assert "checked> Store lead" in client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert client.post(f"/admin/users/{staff.id}", data=form).status_code == 302
    db.session.refresh(staff)
    assert staff.lead is False


def test_create_user_lead_on_the_command_line(runner, location):
    db.session.commit()
    args = ["create-user", "lea@example.com", "--name", "Lea", "--role", "staff"]
    args += ["--password", "long-enough-pw", "--location", location.code, "--lead"]
    result = runner.invoke(args=args)
    db.session.commit()
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "lea@example.com")).lead is True
    args[1:5] = ["mo@example.com", "--name", "Mo", "--role"]
    args[5] = "auditor"
    result = runner.invoke(args=[*args[:8], "--lead"])
    db.session.commit()
    assert result.exit_code != 0
    assert "Only staff members lead a store." in result.output
