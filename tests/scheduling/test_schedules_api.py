"""Schedules through the API (DESIGN §10.8), as a client that knows only the contract: create a
schedule over three stores and three auditors, read its 13-week preview, and check every rule."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import Assignment, Region, Schedule
from tests import scheduling_rules as rules
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory
from tests.scheduling.helpers import SHARES, three_stores_three_auditors, zones_and_hours


@pytest.fixture
def world(app):
    return three_stores_three_auditors()


def created(admin, world, **change) -> dict:
    response = admin.post("/api/v1/schedules", json=world.body(**change))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_every_rule_holds_in_the_13_week_preview(admin, world):
    schedule = created(admin, world)
    assert schedule["status"] == "active"
    assert schedule["location_ids"] == world.location_ids
    response = admin.get(f"/api/v1/schedules/{schedule['id']}/preview?weeks=13")
    assert response.status_code == 200
    preview = response.get_json()
    items, starts_on = preview["items"], date.fromisoformat(preview["from"])
    assert preview["warnings"] == []
    # one visit a week at each store, 13 weeks
    assert sorted({item["location_id"] for item in items}) == sorted(world.location_ids)
    assert len(items) == 3 * 13
    assert {item["checklist_id"] for item in items} == {world.checklist_id}
    assert {item["auditor_id"] for item in items} == set(world.auditor_ids)
    zones, hours = zones_and_hours(world.location_ids)
    assert rules.rotation_breaks(items) == []
    assert rules.gap_breaks(items, 5, zones) == []
    assert rules.double_bookings(items, zones) == []
    assert rules.window_breaks(items, hours, zones) == []
    assert rules.share_shortfalls(items, SHARES, starts_on, zones) == []


def test_the_daily_job_created_four_weeks_of_visits_with_their_daypart(admin, world):
    schedule = created(admin, world)
    preview = admin.get(f"/api/v1/schedules/{schedule['id']}/preview?weeks=6").get_json()
    horizon = datetime.now(UTC).date() + timedelta(days=28)
    expected = {
        (item["location_id"], item["due_from"], item["auditor_id"], item["daypart"])
        for item in preview["items"]
        if date.fromisoformat(item["due_from"][:10]) <= horizon
        and datetime.fromisoformat(item["due_to"]) > datetime.now(UTC)
    }
    listing = admin.get("/api/v1/assignments?per_page=200").get_json()["items"]
    made = {(a["location_id"], a["due_from"], a["auditor_id"], a["daypart"]) for a in listing}
    assert made
    assert expected - made == set()
    assert all(a["schedule_id"] == schedule["id"] for a in listing)
    assert all(a["window"].split()[1] == a["daypart"] + "," for a in listing)


def test_a_manager_schedules_stores_of_their_regions_only(login_as, world):
    region = db.session.get(Region, world.region_id)
    manager = login_as("manager", regions=[region])
    assert manager.post("/api/v1/schedules", json=world.body()).status_code == 201
    outsider = login_as("manager", regions=[RegionFactory()])
    response = outsider.post("/api/v1/schedules", json=world.body())
    assert response.status_code == 422
    assert "location_ids" in problem_of(response)["errors"]
    assert outsider.get("/api/v1/schedules").get_json()["total"] == 0
    for role in ("auditor", "staff"):
        assert login_as(role).post("/api/v1/schedules", json=world.body()).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"min_gap_days": 8}, "min_gap_days"),
        ({"every_days": 0}, "every_days"),
        ({"dayparts": {"morning": 0.6, "evening": 0.6}}, "dayparts"),
        ({"dayparts": {"night": 0.2}}, "dayparts"),
        ({"dayparts": {"morning": 1.5}}, "dayparts"),
        ({"location_ids": []}, "location_ids"),
        ({"location_ids": [999999]}, "location_ids"),
        ({"auditor_ids": [999999]}, "auditor_ids"),
        ({"checklist_id": 999999}, "checklist_id"),
    ],
)
def test_bad_schedules_answer_422_and_change_nothing(admin, world, change, field):
    response = admin.post("/api/v1/schedules", json=world.body(**change))
    assert response.status_code == 422
    assert field in str(problem_of(response)["errors"])
    assert db.session.scalar(select(func.count()).select_from(Schedule)) == 0


def open_visits(schedule_id: int) -> list[Assignment]:
    db.session.commit()
    stmt = select(Assignment).where(
        Assignment.schedule_id == schedule_id, Assignment.status == "open"
    )
    return list(db.session.scalars(stmt))


def test_pause_withdraws_unstarted_visits_resume_plans_them_and_end_is_final(admin, world):
    schedule = created(admin, world)
    path = f"/api/v1/schedules/{schedule['id']}"
    before = open_visits(schedule["id"])
    assert before
    done = before[0]
    done.status = "done"  # a visit already made stays as it is
    db.session.commit()
    assert admin.post(f"{path}/pause").get_json()["status"] == "paused"
    assert open_visits(schedule["id"]) == []
    assert db.session.get(Assignment, done.id).status == "done"
    assert admin.post(f"{path}/resume").get_json()["status"] == "active"
    again = open_visits(schedule["id"])
    assert len(again) == len(before) - 1
    assert (done.location_id, done.occurrence) not in {(a.location_id, a.occurrence) for a in again}
    assert admin.post(f"{path}/end").get_json()["status"] == "ended"
    assert open_visits(schedule["id"]) == []
    assert admin.post(f"{path}/resume").status_code == 409
    assert admin.patch(path, json={"min_gap_days": 3}).status_code == 409


def test_an_edit_replans_only_visits_not_yet_started(admin, world):
    schedule = created(admin, world)
    path = f"/api/v1/schedules/{schedule['id']}"
    kept = open_visits(schedule["id"])[0]
    kept.status = "done"
    db.session.commit()
    response = admin.patch(path, json={"auditor_ids": world.auditor_ids[:2]})
    assert response.status_code == 200
    assert response.get_json()["auditor_ids"] == world.auditor_ids[:2]
    again = open_visits(schedule["id"])
    assert again
    assert {a.auditor_id for a in again} <= set(world.auditor_ids[:2])
    assert db.session.get(Assignment, kept.id).auditor_id == kept.auditor_id
    preview = admin.get(f"{path}/preview?weeks=13").get_json()
    assert rules.rotation_breaks(preview["items"]) == []


def test_too_few_auditors_the_preview_says_which_rule_gives_way(admin, app):
    world = three_stores_three_auditors(auditors=1)
    region = db.session.get(Region, world.region_id)
    world.location_ids.append(LocationFactory(region=region).id)
    db.session.commit()
    # four stores every day, all in the morning, and one auditor: three dayparts a day at most
    body = {"every_days": 1, "min_gap_days": 1, "dayparts": {"morning": 1.0}}
    schedule = created(admin, world, **body)
    preview = admin.get(f"/api/v1/schedules/{schedule['id']}/preview?weeks=2").get_json()
    given_way = {warning["rule"] for warning in preview["warnings"]}
    assert {"dayparts", "auditor_free"} <= given_way
    zones, _ = zones_and_hours(world.location_ids)
    assert rules.double_bookings(preview["items"], zones) == []
    unassigned = [item for item in preview["items"] if item["auditor_id"] is None]
    assert unassigned
    warned = {
        (w["location_id"], w["day"]) for w in preview["warnings"] if w["rule"] == "auditor_free"
    }
    for item in unassigned:
        assert (item["location_id"], rules.local(item, zones)[0].isoformat()) in warned


def test_days_off_are_kept(admin, login_as, world):
    away = login_as("auditor")
    world.auditor_ids.append(away.user.id)
    days = [(datetime.now(UTC).date() + timedelta(days=n)).isoformat() for n in range(0, 40)]
    response = away.post("/api/v1/me/unavailability", json={"days": days})
    assert response.status_code == 200
    assert response.get_json()["days"] == days
    schedule = created(admin, world)
    preview = admin.get(f"/api/v1/schedules/{schedule['id']}/preview?weeks=8").get_json()
    zones, _ = zones_and_hours(world.location_ids)
    off = {away.user.id: {date.fromisoformat(day) for day in days}}
    assert rules.days_off_breaks(preview["items"], off, zones) == []
    assert any(item["auditor_id"] == away.user.id for item in preview["items"])
    assert away.delete(f"/api/v1/me/unavailability/{days[0]}").status_code == 204
    assert away.get("/api/v1/me/unavailability").get_json()["days"] == days[1:]
    past = away.post("/api/v1/me/unavailability", json={"days": ["2020-01-01"]})
    assert past.status_code == 422
    assert admin.get("/api/v1/me/unavailability").status_code == 403


@pytest.mark.parametrize("starts_on", ["0001-01-01", "9999-12-31", "2020-01-01"])
def test_a_start_far_from_today_answers_422(admin, world, starts_on):
    response = admin.post("/api/v1/schedules", json=world.body(starts_on=starts_on))
    assert response.status_code == 422
    assert "starts_on" in problem_of(response)["errors"]
