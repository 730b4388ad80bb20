"""The daily job (DESIGN §10.8): visits four weeks ahead, created once however often it runs,
and a run that died halfway finished by the next."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from auditor.core.extensions import db
from auditor.models import Assignment, Schedule
from auditor.scheduling import jobs
from tests.scheduling.helpers import three_stores_three_auditors


@pytest.fixture
def schedule_id(admin, app):
    world = three_stores_three_auditors()
    response = admin.post("/api/v1/schedules", json=world.body())
    assert response.status_code == 201
    return response.get_json()["id"]


def visits(schedule_id: int) -> list[tuple]:
    db.session.commit()
    stmt = select(
        Assignment.location_id, Assignment.occurrence, Assignment.due_from, Assignment.auditor_id
    ).where(Assignment.schedule_id == schedule_id)
    return sorted(db.session.execute(stmt).all())


def run_job(app) -> int:
    db.session.commit()
    with app.app_context():
        return jobs.plan_ahead()


def test_running_twice_creates_nothing_twice(app, schedule_id):
    first = visits(schedule_id)
    # the request enqueued the job for the new schedule: four weeks, three stores, one a week
    assert 3 * 4 <= len(first) <= 3 * 5
    assert all(due <= datetime.now(UTC) + timedelta(days=29) for _, _, due, _ in first)
    assert run_job(app) == 0
    assert run_job(app) == 0
    assert visits(schedule_id) == first


def test_a_run_that_died_halfway_is_finished_by_the_next(app, schedule_id):
    first = visits(schedule_id)
    # as if the run had died after creating the first half: the later half never made
    lost = first[len(first) // 2 :]
    for location_id, occurrence, _, _ in lost:
        db.session.execute(
            delete(Assignment).where(
                Assignment.schedule_id == schedule_id,
                Assignment.location_id == location_id,
                Assignment.occurrence == occurrence,
            )
        )
    db.session.commit()
    assert run_job(app) == len(lost)
    assert visits(schedule_id) == first


def test_paused_and_ended_schedules_get_no_new_visits(admin, app, schedule_id):
    assert admin.post(f"/api/v1/schedules/{schedule_id}/pause").status_code == 200
    assert run_job(app) == 0
    count = db.session.scalar(
        select(func.count()).where(
            Assignment.schedule_id == schedule_id, Assignment.status == "open"
        )
    )
    assert count == 0
    assert db.session.get(Schedule, schedule_id).status == "paused"
