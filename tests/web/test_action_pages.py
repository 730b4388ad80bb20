"""The corrective-action pages (DESIGN §10.7): the managers' list with its filters, overdue
first and no form per row; one action's page to resolve, comment and assign it; the store's
lead on their phone; and the email settings page every role reaches."""

import re
from datetime import timedelta

import pytest

from auditor.core.extensions import db
from auditor.models import CorrectiveAction, EmailPreference, utcnow
from tests.factories import UserFactory
from tests.web.page_world import browse_as, csrf_of


@pytest.fixture
def more(world):
    """An overdue high-priority layout action at Wedel owned by the manager, and a done one."""
    today = utcnow().date()
    overdue = CorrectiveAction(
        location_id=world.weak_a.id,
        audit_id=world.submitted_a,
        section_key="layout",
        question_key=None,
        reason="Store layout scored 41.0, below 60",
        priority="high",
        owner_id=world.manager_a.id,
        due=today - timedelta(days=3),
    )
    done = CorrectiveAction(
        location_id=world.store_a.id,
        audit_id=world.submitted_a,
        section_key="knowledge",
        question_key="no_brush_off",
        reason="Critical question failed: no brush-off",
        status="done",
        note="Team briefed",
        due=today + timedelta(days=3),
    )
    db.session.add_all([overdue, done])
    db.session.commit()
    return overdue.id, done.id


def reasons(body: str) -> list[str]:
    """The reasons listed, in page order."""
    return re.findall(r'<p><a href="/manager/actions/\d+">([^<]+)</a></p>', body)


def test_the_list_filters_puts_overdue_first_and_has_no_form_per_row(client, world, more):
    manager = browse_as(client, world.manager_a)
    body = manager.get("/manager/actions").get_data(as_text=True)
    assert reasons(body) == ["Store layout scored 41.0, below 60", "Greeting failed at Altona"]
    assert "Overdue by 3 days" in body
    assert "<textarea" not in body
    assert 'name="note"' not in body
    assert '<form class="filters" method="get"' in body
    assert 'type="submit"' in body
    assert "Bremen Secret" not in body  # not even as a store to filter by
    cases = {
        f"?location_id={world.weak_a.id}": ["Store layout scored 41.0, below 60"],
        "?section=greeting": ["Greeting failed at Altona"],
        f"?owner_id={world.manager_a.id}": ["Store layout scored 41.0, below 60"],
        "?due=overdue": ["Store layout scored 41.0, below 60"],
        "?due=week": ["Greeting failed at Altona"],
        "?priority=high": ["Store layout scored 41.0, below 60"],
        "?status=done": ["Critical question failed: no brush-off"],
        "?status=all&priority=normal": [
            "Greeting failed at Altona",
            "Critical question failed: no brush-off",
        ],
        "?due=someday&priority=urgent": [  # unknown values filter nothing
            "Store layout scored 41.0, below 60",
            "Greeting failed at Altona",
        ],
    }
    for query, expected in cases.items():
        listed = manager.get(f"/manager/actions{query}").get_data(as_text=True)
        assert reasons(listed) == expected, query
    selected = manager.get(f"/manager/actions?location_id={world.weak_a.id}").get_data(as_text=True)
    assert f'<option value="{world.weak_a.id}" selected>' in selected


def test_an_action_is_resolved_commented_and_assigned_on_its_page(client, world, more):
    manager = browse_as(client, world.manager_a)
    path = f"/manager/actions/{world.action_a}"
    page = manager.get(path).get_data(as_text=True)
    assert page.count("<textarea") == 2  # the resolve note and a comment
    assert "Greeting failed at Altona" in page
    token = csrf_of(manager, path)
    said = manager.post(f"{path}/comments", data={"csrf_token": token, "body": "Called Sam."})
    assert said.status_code == 302
    assert "Called Sam." in manager.get(path).get_data(as_text=True)
    assert (
        manager.post(f"{path}/comments", data={"csrf_token": token, "body": " "}).status_code == 302
    )
    assert len(db.session.get(CorrectiveAction, world.action_a).comments) == 1
    stranger = UserFactory(role="manager")
    refused = manager.post(f"{path}/assign", data={"csrf_token": token, "owner_id": stranger.id})
    assert refused.status_code == 302
    assert db.session.get(CorrectiveAction, world.action_a).owner_id is None
    moved = manager.post(
        f"{path}/assign",
        data={
            "csrf_token": token,
            "owner_id": world.manager_a.id,
            "priority": "low",
            "due": "2031-05-01",
        },
    )
    assert moved.status_code == 302
    action = db.session.get(CorrectiveAction, world.action_a)
    assert (action.owner_id, action.priority, action.due.isoformat()) == (
        world.manager_a.id,
        "low",
        "2031-05-01",
    )
    resolved = manager.post(path, data={"csrf_token": token, "note": "Greeting rota at the door"})
    assert resolved.headers["Location"].endswith("/manager/actions")
    assert db.session.get(CorrectiveAction, world.action_a).status == "done"
    done_page = manager.get(path).get_data(as_text=True)
    assert "Greeting rota at the door" in done_page
    assert 'name="note"' not in done_page
    reopened = manager.post(f"{path}/assign", data={"csrf_token": token, "reopen": "1"})
    assert reopened.status_code == 302
    assert db.session.get(CorrectiveAction, world.action_a).status == "open"


def test_another_regions_action_page_answers_404(client, world):
    manager = browse_as(client, world.manager_a)
    assert manager.get(f"/manager/actions/{world.action_b}").status_code == 404
    token = csrf_of(manager, "/manager/actions")
    for suffix in ("/comments", "/assign"):
        data = {"csrf_token": token, "body": "x", "priority": "low"}
        assert (
            manager.post(f"/manager/actions/{world.action_b}{suffix}", data=data).status_code == 404
        )
    assert db.session.get(CorrectiveAction, world.action_b).comments == []


def test_the_stores_lead_follows_its_actions_up_on_the_phone(client, world, more):
    world.staff_a.lead = True
    db.session.commit()
    lead = browse_as(client, world.staff_a)
    home = lead.get("/staff").get_data(as_text=True)
    assert "/staff/actions" in home
    assert "/account/email" in home
    listed = lead.get("/staff/actions").get_data(as_text=True)
    assert 'name="viewport"' in listed
    assert "Greeting failed at Altona" in listed
    assert "Store layout" not in listed  # Wedel's, another store of the region
    assert "Bremen" not in listed
    path = f"/staff/actions/{world.action_a}"
    page = lead.get(path).get_data(as_text=True)
    assert 'name="note"' in page
    assert "/assign" not in page
    assert lead.get(f"/staff/actions/{more[0]}").status_code == 404
    assert lead.get("/manager/actions").status_code == 403
    token = csrf_of(lead, path)
    assigned = lead.post(f"/manager/actions/{world.action_a}/assign", data={"csrf_token": token})
    assert assigned.status_code == 403
    assert (
        lead.post(f"{path}/comments", data={"csrf_token": token, "body": "Fixed today"}).status_code
        == 302
    )
    resolved = lead.post(path, data={"csrf_token": token, "note": "New greeting rota"})
    assert resolved.headers["Location"].endswith("/staff/actions")
    action = db.session.get(CorrectiveAction, world.action_a)
    assert (action.status, action.note) == ("done", "New greeting rota")
    assert [c.author_id for c in action.comments] == [world.staff_a.id]


def test_staff_who_do_not_lead_have_no_actions_page(client, world):
    staff = browse_as(client, world.staff_a2)
    assert staff.get("/staff/actions").status_code == 403
    assert "/staff/actions" not in staff.get("/staff").get_data(as_text=True)


def test_every_role_reaches_its_email_settings(client, world):
    auditor = UserFactory(role="auditor")
    for user, home in (
        (world.manager_a, "/manager/actions"),
        (world.admin, "/admin/users"),
        (world.staff_a, "/staff"),
        (auditor, "/app/settings"),
    ):
        browse_as(client, user)
        assert "/account/email" in client.get(home).get_data(as_text=True), home
        page = client.get("/account/email").get_data(as_text=True)
        assert ("daily digest" in page) == (user.role == "manager")
        client.post("/logout", data={"csrf_token": csrf_of(client, "/account/email")})


def test_email_settings_are_saved(client, world):
    manager = browse_as(client, world.manager_a)
    token = csrf_of(manager, "/account/email")
    data = {"csrf_token": token, "kinds": ["action_opened", "action_overdue"], "digest": "1"}
    assert manager.post("/account/email", data=data).status_code == 302
    saved = db.session.get(EmailPreference, world.manager_a.id)
    assert (sorted(saved.off), saved.digest) == (
        ["action_due_soon", "audit_alert", "dispute_settled"],
        True,
    )
    page = manager.get("/account/email").get_data(as_text=True)
    assert re.search(r'value="action_opened" checked', page)
    assert not re.search(r'value="audit_alert" checked', page)
    assert manager.post("/account/email", data={"kinds": ["audit_alert"]}).status_code == 400
