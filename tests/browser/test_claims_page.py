"""Open visits on the phone (DESIGN §10.8): listed near the auditor with their daypart window,
claimed with one tap, then among the planned visits with that window."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import Assignment, Location, Schedule
from tests.browser.conftest import log_in

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def open_visit(visit):
    """Tomorrow afternoon at the visit's store, of a schedule, nobody planned for it."""
    db.session.get(Location, visit.store.location_id).timezone = "Europe/Berlin"
    schedule = Schedule(
        checklist_id=visit.store.checklist_id,
        every_days=7,
        min_gap_days=5,
        dayparts={},
        starts_on=datetime.now(UTC).date(),
        status="active",
    )
    db.session.add(schedule)
    db.session.flush()
    day = datetime.now(BERLIN).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 12, tzinfo=BERLIN)
    claimable = Assignment(
        location_id=visit.store.location_id,
        auditor_id=None,
        checklist_id=visit.store.checklist_id,
        due_from=start.astimezone(UTC),
        due_to=(start + timedelta(hours=5)).astimezone(UTC),
        status="open",
        schedule_id=schedule.id,
        occurrence=0,
        daypart="afternoon",
    )
    db.session.add(claimable)
    db.session.commit()
    return claimable, f"{day.strftime('%A')} afternoon, 12\N{EN DASH}17"


def test_an_auditor_claims_an_open_visit_near_them(phone, visit, open_visit, page_errors):
    claimable, window = open_visit
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    section = page.locator("#open-visits")
    section.get_by_text(window).wait_for()
    page.get_by_role("button", name="Near me").click()
    section.get_by_text("km away").wait_for()
    page.get_by_role("button", name="Claim this visit").click()
    section.get_by_text("Yours: it is in your planned visits.").wait_for()
    page.locator("#planned").get_by_text(window).wait_for()
    db.session.commit()
    taken = db.session.scalar(select(Assignment).where(Assignment.id == claimable.id))
    assert taken.auditor_id == visit.auditor.id
    assert page_errors == []
