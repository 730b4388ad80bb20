"""The day-before reminder (DESIGN §10.8): every quarter of an hour, each open visit with an
auditor that starts within the next 24 hours and has had no reminder is marked (a conditional
UPDATE … WHERE reminded_at IS NULL, so workers running alongside remind once) and its auditor,
unless they turned "visit_tomorrow" off, gets an email with the store and the visit's window."""

from datetime import datetime, timedelta

from huey import crontab
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from auditor.core.extensions import db
from auditor.models import Assignment, utcnow
from auditor.notify.alerts import send_all, wants
from auditor.notify.email import Email, compose, link
from auditor.notify.queue import after_commit, periodic_task, task
from auditor.scheduling.dayparts import label

AHEAD = timedelta(hours=24)


def due_reminders(session: Session, now: datetime) -> list[int]:
    """Mark the visits to remind of now; answers their ids (each marked by one run only)."""
    stmt = select(Assignment.id).where(
        Assignment.status == "open",
        Assignment.auditor_id.is_not(None),
        Assignment.reminded_at.is_(None),
        Assignment.due_from > now,
        Assignment.due_from <= now + AHEAD,
    )
    marked = []
    for assignment_id in list(session.scalars(stmt)):
        result = session.execute(
            update(Assignment)
            .where(Assignment.id == assignment_id, Assignment.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            marked.append(assignment_id)
    return marked


def reminder_emails(session: Session, assignment_id: int) -> list[Email]:
    """The reminder of one visit, to its auditor (none if it was cancelled meanwhile)."""
    visit = session.get(Assignment, assignment_id)
    if visit is None or visit.status != "open" or visit.auditor is None:
        return []
    if not wants(session, visit.auditor, "visit_tomorrow"):
        return []
    place = visit.location
    window = label(visit.daypart, visit.due_from, visit.due_to, place.timezone)
    return [
        compose(
            visit.auditor.email,
            f"Visit tomorrow: {place.name}" + (f", {window}" if window else ""),
            "visit_tomorrow",
            to=visit.auditor,
            assignment=visit,
            window=window,
            url=link("/app"),
        )
    ]


@task(retries=3, retry_delay=60)
def reminder(assignment_id: int) -> int:
    """Job: one visit's reminder email."""
    return send_all(reminder_emails(db.session, assignment_id))


def remind(now: datetime | None = None) -> int:
    """Mark and commit the visits due a reminder; their emails are queued after the commit."""
    marked = due_reminders(db.session, now or utcnow())
    for assignment_id in marked:
        after_commit(reminder, assignment_id)
    db.session.commit()
    return len(marked)


@periodic_task(crontab(minute="*/15"))
def remind_periodically() -> int:
    """Job: every 15 minutes, the reminders now due."""
    return remind()
