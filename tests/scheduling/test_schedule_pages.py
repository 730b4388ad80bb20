"""The schedule pages (DESIGN §10.8): create a schedule from the form, read its 12-week calendars
per store and per auditor, pause, resume and end it; without JS, as a browser posts forms."""

import re

from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import Assignment, Location, Region, Schedule, User
from tests.factories import RegionFactory, UserFactory
from tests.scheduling.helpers import three_stores_three_auditors
from tests.web.page_world import browse_as, csrf_of

PAGE = "/manager/schedules"


def form_of(world, **change) -> dict:
    data = {
        "checklist_id": str(world.checklist_id),
        "every_days": "7",
        "min_gap_days": "5",
        "share_morning": "30",
        "share_weekend": "20",
        "location_id": [str(i) for i in world.location_ids],
        "auditor_id": [str(i) for i in world.auditor_ids],
    }
    return {**data, **change}


def test_an_admin_creates_previews_pauses_and_ends_a_schedule(client, app):
    world = three_stores_three_auditors()
    admin = UserFactory(role="admin")
    db.session.commit()
    browse_as(client, admin)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert b"New schedule" in page.data
    response = client.post(PAGE, data={"csrf_token": csrf_of(client, PAGE), **form_of(world)})
    assert response.status_code == 302
    path = response.headers["Location"]
    detail = client.get(path).data.decode()
    schedule = db.session.scalars(select(Schedule)).one()
    assert schedule.dayparts == {"morning": 0.3, "weekend": 0.2}
    assert "Nowhere: every rule holds in the next 12 weeks." in detail
    codes = [db.session.get(Location, i).code for i in world.location_ids]
    names = [db.session.get(User, i).name for i in world.auditor_ids]
    calendars = detail.split("Per auditor")
    for code in codes:
        assert f'<th scope="row">{code}</th>' in calendars[0]
    for name in names:
        assert f'<th scope="row">{name}</th>' in calendars[1]
    # one visit a week at each of three stores: 36 cells in each calendar
    assert len(re.findall(r'class="visit"', calendars[0])) == 36
    assert len(re.findall(r'class="visit"', calendars[1])) == 36
    token = csrf_of(client, path)
    assert client.post(f"{path}/pause", data={"csrf_token": token}).status_code == 302
    assert db.session.get(Schedule, schedule.id).status == "paused"
    open_visits = select(func.count()).where(
        Assignment.schedule_id == schedule.id, Assignment.status == "open"
    )
    assert db.session.scalar(open_visits) == 0
    assert client.post(f"{path}/resume", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(open_visits) > 0
    assert client.post(f"{path}/end", data={"csrf_token": token}).status_code == 302
    db.session.commit()
    assert db.session.get(Schedule, schedule.id).status == "ended"
    assert "Pause" not in client.get(path).data.decode().split("Where the rules")[0]


def test_bad_forms_are_refused_with_a_message_and_change_nothing(client, app):
    world = three_stores_three_auditors()
    outsider = UserFactory(role="manager", regions=[RegionFactory()])
    db.session.commit()
    browse_as(client, outsider)
    token = csrf_of(client, PAGE)
    for change in ({"every_days": "x"}, {"share_morning": "150"}, {"min_gap_days": "9"}, {}):
        response = client.post(PAGE, data={"csrf_token": token, **form_of(world, **change)})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(PAGE)
        assert b"flash-error" in client.get(PAGE).data
    assert db.session.scalar(select(func.count()).select_from(Schedule)) == 0


def test_a_manager_sees_schedules_of_their_regions_and_staff_are_refused(client, app):
    world = three_stores_three_auditors()
    manager = UserFactory(role="manager", regions=[db.session.get(Region, world.region_id)])
    staff = UserFactory(role="staff")
    db.session.commit()
    browse_as(client, manager)
    token = csrf_of(client, PAGE)
    assert client.post(PAGE, data={"csrf_token": token, **form_of(world)}).status_code == 302
    assert b"schedule-" in client.get(PAGE).data
    client.post("/logout", data={"csrf_token": token})
    browse_as(client, staff)
    assert client.get(PAGE).status_code == 403
