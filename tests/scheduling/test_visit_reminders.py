"""The day-before reminder (DESIGN §10.8) through a real SMTP server: a visit starting within 24
hours reminds its auditor once, with the store and the daypart window; a turned-off kind, an
unassigned or cancelled visit, or one further off, reminds nobody."""

from datetime import UTC, datetime, timedelta

from auditor.core.extensions import db
from auditor.models import Assignment, EmailPreference, Location
from auditor.notify import reminders
from tests.factories import UserFactory
from tests.mail.conftest import smtp  # noqa: F401  (the fixture)
from tests.scheduling.helpers import three_stores_three_auditors


def visit(world, auditor_id, starts_in: timedelta, status="open", daypart=None) -> Assignment:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + starts_in
    row = Assignment(
        location_id=world.location_ids[0],
        auditor_id=auditor_id,
        checklist_id=world.checklist_id,
        due_from=start,
        due_to=start + timedelta(hours=4),
        status=status,
        daypart=daypart,
    )
    db.session.add(row)
    db.session.commit()
    return row


def run(app, now=None) -> int:
    db.session.commit()
    with app.app_context():
        return reminders.remind(now)


def test_a_visit_tomorrow_reminds_its_auditor_once(app, smtp):  # noqa: F811
    world = three_stores_three_auditors()
    ann, bob = UserFactory(role="auditor", name="Ann"), UserFactory(role="auditor", name="Bob")
    quiet = UserFactory(role="auditor")
    db.session.add(EmailPreference(user_id=quiet.id, off=["visit_tomorrow"]))
    db.session.get(Location, world.location_ids[0]).timezone = "UTC"
    db.session.commit()
    soon = visit(world, ann.id, timedelta(hours=20), daypart="afternoon")
    visit(world, bob.id, timedelta(hours=30))  # the day after tomorrow's: not yet
    visit(world, None, timedelta(hours=10), daypart="morning")  # open to claim: nobody to remind
    visit(world, bob.id, timedelta(hours=12), status="cancelled", daypart="morning")
    visit(world, quiet.id, timedelta(hours=5), daypart="morning")
    assert run(app) == 2  # Ann's and the quiet one's are marked
    assert run(app) == 0
    [mail] = smtp.received
    assert mail.rcpt_tos == [ann.email]
    place = db.session.get(Location, world.location_ids[0])
    assert mail.subject.startswith(f"Visit tomorrow: {place.name}, ")
    assert "afternoon" in mail.subject
    assert place.code in mail.text
    assert db.session.get(Assignment, soon.id).reminded_at is not None
    later = datetime.now(UTC) + timedelta(hours=10)
    assert run(app, later) == 1  # Bob's visit is now within a day
    assert [m.rcpt_tos for m in smtp.received] == [[ann.email], [bob.email]]
