"""Corrective actions people can work with (DESIGN §10.7): one open action per store and
question or section (a repeat joins it), due action_due_days after approval, an owner (the
store's lead staff member, else the region's manager), priority, comments, filters, and the
lead who follows their store's actions up."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from auditor.checklists import versions
from auditor.core.errors import Invalid
from auditor.core.extensions import db
from auditor.models import CorrectiveAction, Region, utcnow
from tests.api.action_helpers import PASSING, approved, submitted
from tests.conftest import ApiClient, problem_of
from tests.factories import LocationFactory, RegionFactory


@pytest.fixture
def manager(login_as, store):
    return login_as("manager", regions=[db.session.get(Region, store.region_id)])


def actions_of(client, query: str = "") -> dict:
    response = client.get(f"/api/v1/actions{query}")
    assert response.status_code == 200, response.get_json()
    return {(a["section"], a["question"]): a for a in response.get_json()["items"]}


def test_a_repeat_joins_the_open_action_and_a_new_one_opens_once_it_is_done(
    auditor, manager, store
):
    first = approved(auditor, manager, store)
    opened = actions_of(manager)
    assert set(opened) == {("music", "raised_voice"), ("music", None)}
    critical = opened[("music", "raised_voice")]
    assert (critical["audit_uuid"], critical["audits"]) == (first, [first])
    assert critical["priority"] == "high"  # a critical question
    lowered = manager.patch(f"/api/v1/actions/{critical['id']}", json={"priority": "low"})
    assert lowered.get_json()["priority"] == "low"

    second = approved(auditor, manager, store)
    again = actions_of(manager)
    assert set(again) == set(opened)  # no copies
    assert {a["id"] for a in again.values()} == {a["id"] for a in opened.values()}
    repeat = again[("music", "raised_voice")]
    assert repeat["audit_uuid"] == first
    assert sorted(repeat["audits"]) == sorted([first, second])
    assert repeat["priority"] == "high"  # it happened again
    assert db.session.scalar(select(func.count()).select_from(CorrectiveAction)) == 2

    done = manager.patch(
        f"/api/v1/actions/{repeat['id']}", json={"status": "done", "note": "Volume capped."}
    )
    assert done.status_code == 200
    third = approved(auditor, manager, store)
    latest = actions_of(manager, "?status=open")
    assert latest[("music", "raised_voice")]["id"] != repeat["id"]
    assert latest[("music", "raised_voice")]["audits"] == [third]
    assert latest[("music", None)]["id"] == opened[("music", None)]["id"]
    # reopening the done one while the new one is open would make two: 409, nothing changes
    reopened = manager.patch(f"/api/v1/actions/{repeat['id']}", json={"status": "open"})
    assert reopened.status_code == 409
    assert db.session.get(CorrectiveAction, repeat["id"]).status == "done"


def test_a_passing_visit_opens_nothing(auditor, manager, store):
    approved(auditor, manager, store, PASSING)
    assert actions_of(manager) == {}


def test_due_counts_action_due_days_from_the_approval(auditor, manager, store):
    definition = versions.default_definition()
    definition["action_due_days"] = 5
    checklist, _ = versions.save_definition(db.session, None, versions.parse_definition(definition))
    versions.publish(db.session, None, checklist)
    db.session.commit()
    store.checklist_id = checklist.id
    approved(auditor, manager, store)
    for action in actions_of(manager).values():
        assert action["due"] == (utcnow() + timedelta(days=5)).date().isoformat()
    shown = manager.get(f"/api/v1/checklists/{checklist.id}").get_json()
    assert (shown["action_due_days"], shown["alert_threshold"]) == (5, 60)


def test_the_default_checklist_names_its_alert_threshold_and_due_days(manager, store):
    shown = manager.get(f"/api/v1/checklists/{store.checklist_id}").get_json()
    assert (shown["alert_threshold"], shown["action_due_days"]) == (60, 14)
    for due_days in (0, 1.5, "7"):
        definition = {**versions.default_definition(), "action_due_days": due_days}
        with pytest.raises(Invalid) as refused:
            versions.parse_definition(definition)
        assert "action_due_days" in refused.value.errors


def test_the_stores_lead_owns_its_actions_and_follows_them_up(auditor, manager, store, login_as):
    lead = login_as("staff", location_id=store.location_id, lead=True)
    approved(auditor, manager, store)
    for action in actions_of(manager).values():
        assert action["owner"] == {"id": lead.user.id, "name": lead.user.name}
    # the lead sees their store's actions, another store's not at all
    other_store = LocationFactory(region=RegionFactory())
    other = CorrectiveAction(
        location_id=other_store.id,
        audit_id=db.session.scalars(select(CorrectiveAction.audit_id)).first(),
        section_key="greeting",
        question_key=None,
        reason="Elsewhere",
        due=utcnow().date(),
    )
    db.session.add(other)
    db.session.commit()
    mine = actions_of(lead)
    assert set(mine) == {("music", "raised_voice"), ("music", None)}
    assert lead.get(f"/api/v1/actions/{other.id}").status_code == 404
    critical = mine[("music", "raised_voice")]
    # a lead resolves and comments, but does not assign
    assert (
        lead.patch(f"/api/v1/actions/{critical['id']}", json={"priority": "low"}).status_code == 403
    )
    commented = lead.post(f"/api/v1/actions/{critical['id']}/comments", json={"body": "On it."})
    assert commented.status_code == 201
    assert commented.get_json()["author"] == {"id": lead.user.id, "name": lead.user.name}
    done = lead.patch(
        f"/api/v1/actions/{critical['id']}", json={"status": "done", "note": "Speakers lowered."}
    )
    assert done.get_json()["status"] == "done"
    detail = manager.get(f"/api/v1/actions/{critical['id']}").get_json()
    assert [c["body"] for c in detail["comments"]] == ["On it."]
    # staff who do not lead, and auditors, see no actions
    assert (
        login_as("staff", location_id=store.location_id).get("/api/v1/actions").status_code == 403
    )
    assert auditor.get("/api/v1/actions").status_code == 403


def test_owner_priority_and_due_are_assigned_by_managers(auditor, manager, store, login_as):
    approved(auditor, manager, store)
    action = actions_of(manager)[("music", None)]
    path = f"/api/v1/actions/{action['id']}"
    stranger = login_as("manager")  # another region's manager
    refused = manager.patch(path, json={"owner_id": stranger.user.id})
    assert refused.status_code == 422
    assert "owner_id" in problem_of(refused)["errors"]
    lead = login_as("staff", location_id=store.location_id, lead=True)
    moved = manager.patch(
        path, json={"owner_id": lead.user.id, "priority": "low", "due": "2030-01-31"}
    )
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert (body["owner"]["id"], body["priority"], body["due"]) == (
        lead.user.id,
        "low",
        "2030-01-31",
    )
    for wrong in ({"priority": "urgent"}, {"owner_id": "x"}, {"due": "soon"}, {"colour": "red"}):
        assert manager.patch(path, json=wrong).status_code == 422
    assert manager.get(path).get_json()["priority"] == "low"
    assert stranger.get(path).status_code == 404


def test_comments_are_checked(auditor, manager, store):
    approved(auditor, manager, store)
    action = actions_of(manager)[("music", None)]
    path = f"/api/v1/actions/{action['id']}/comments"
    for body in ({"body": "   "}, {"body": "x" * 2001}, {}, {"body": "ok", "extra": 1}):
        assert manager.post(path, json=body).status_code == 422
    assert manager.post(path, json={"body": "Called the store."}).status_code == 201
    assert [
        c["body"] for c in manager.get(path.removesuffix("/comments")).get_json()["comments"]
    ] == ["Called the store."]


def test_the_listing_filters_and_puts_overdue_first(auditor, manager, store):
    approved(auditor, manager, store)
    actions = actions_of(manager)
    section, critical = actions[("music", None)], actions[("music", "raised_voice")]
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    manager.patch(f"/api/v1/actions/{section['id']}", json={"due": yesterday, "priority": "low"})
    items = manager.get("/api/v1/actions").get_json()["items"]
    assert [a["id"] for a in items] == [section["id"], critical["id"]]  # overdue first
    cases = {
        "?due=overdue": {section["id"]},
        "?due=week": set(),
        "?due=later": {critical["id"]},
        "?priority=low": {section["id"]},
        "?priority=high": {critical["id"]},
        "?section=music": {section["id"], critical["id"]},
        "?section=greeting": set(),
        f"?owner_id={manager.user.id}": {section["id"], critical["id"]},
        f"?location_id={store.location_id}&status=open": {section["id"], critical["id"]},
        "?status=done": set(),
    }
    for query, expected in cases.items():
        listed = manager.get(f"/api/v1/actions{query}").get_json()
        assert {a["id"] for a in listed["items"]} == expected, query
        assert listed["total"] == len(expected)
    assert manager.get("/api/v1/actions?due=someday").status_code == 422


def test_approvals_at_one_store_at_once_open_one_action_per_question(app, auditor, store, login_as):
    """Six failing audits of one store approved at the same moment by two managers: one open
    action per question or section, each with all six audits (the store's row is locked while
    an approval decides; the partial unique index would refuse a second)."""
    region = db.session.get(Region, store.region_id)
    managers = [login_as("manager", regions=[region]) for _ in range(2)]
    audits = [submitted(auditor, store) for _ in range(6)]
    start = threading.Barrier(len(audits))

    def approve(index: int) -> int:
        manager = managers[index % 2]
        # a plain client per thread: the synced one commits the test's session
        client = ApiClient(FlaskClient(app), manager.token, manager.user)
        start.wait()
        path = f"/api/v1/audits/{audits[index]}/review"
        return client.post(path, json={"decision": "approve"}).status_code

    db.session.commit()
    with ThreadPoolExecutor(len(audits)) as pool:
        assert list(pool.map(approve, range(len(audits)))) == [200] * len(audits)
    opened = actions_of(managers[0], "?status=open")
    assert set(opened) == {("music", "raised_voice"), ("music", None)}
    for action in opened.values():
        assert sorted(action["audits"]) == sorted(audits)
    assert db.session.scalar(select(func.count()).select_from(CorrectiveAction)) == 2
