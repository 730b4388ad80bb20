"""Periodic email jobs: the managers' daily digest (the approvals that would each have alerted
them, in one mail) and the corrective-action reminders (due in 2 days, overdue), each sent once
per action and kind: the job claims it on the action's row before it is announced."""

from datetime import datetime, timedelta

from huey import crontab
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from auditor import access
from auditor.core.extensions import db
from auditor.models import Audit, Checklist, CorrectiveAction, EmailPreference, User, utcnow
from auditor.notify import messages
from auditor.notify.alerts import wants
from auditor.notify.email import Email, send_email
from auditor.notify.events import publish
from auditor.notify.queue import after_commit, periodic_task

DUE_SOON_DAYS = 2
DIGEST_HOUR = 6  # UTC: the digest is in the inbox before the working day
MAX_DIGEST_ITEMS = 50  # the worst ones; the manager's pages have the rest
MAX_DAYS = 7  # how far back a digest reaches when the last one was missed


def digest_audits(session: Session, manager: User, since: datetime, until: datetime) -> list:
    """Approvals in the manager's regions, approved in [since, until), that alert: a critical
    failure or an overall score below their checklist's alert_threshold; worst first."""
    stmt = (
        access.with_audit_details(access.visible_audits(manager))
        .join(Checklist, Checklist.id == Audit.checklist_id)
        .where(
            Audit.status == "approved",
            Audit.reviewed_at >= since,
            Audit.reviewed_at < until,
            or_(Audit.critical_failed, Audit.score_overall < Checklist.alert_threshold),
        )
        .order_by(Audit.critical_failed.desc(), Audit.score_overall, Audit.id)
    )
    return list(session.scalars(stmt.limit(MAX_DIGEST_ITEMS)).unique())


def digest_for(session: Session, manager: User, now: datetime) -> Email | None:
    """A manager's digest since the last one, marking it sent; None
    when nothing alerted or they turned approval alerts off."""
    found = session.get(EmailPreference, manager.id)
    if found is None or not found.digest or manager.role != "manager":
        return None
    # since the last digest (a day back for the first), at most a week when the worker was down
    since = max(found.digest_sent_at or now - timedelta(days=1), now - timedelta(days=MAX_DAYS))
    found.digest_sent_at = now
    if not wants(session, manager, "audit_alert"):
        return None
    audits = digest_audits(session, manager, since, now)
    return messages.digest(manager, audits, since, now) if audits else None


def send_digests(session: Session, now: datetime) -> int:
    """Every digest manager's digest, queued once this transaction commits; answers how many."""
    stmt = (
        select(User)
        .join(EmailPreference, EmailPreference.user_id == User.id)
        .where(EmailPreference.digest.is_(True), User.active.is_(True), User.role == "manager")
        .order_by(User.id)
    )
    emails = [e for m in session.scalars(stmt) if (e := digest_for(session, m, now))]
    for email in emails:
        after_commit(send_email, email.to, email.subject, email.text, email.html)
    return len(emails)


def _claim(session: Session, action_id: int, column, now: datetime) -> bool:
    """Mark one reminder as sent unless another worker did: exactly once per action and kind."""
    claimed = session.execute(
        update(CorrectiveAction)
        .where(CorrectiveAction.id == action_id, column.is_(None))
        .values({column.key: now})
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def claim_reminders(session: Session, now: datetime) -> dict[str, int]:
    """Announce `action.due_soon` for open actions due within 2 days and `action.overdue` for
    those past due, each once per action (moving the due date allows them again)."""
    today = now.date()
    counts = {"action.due_soon": 0, "action.overdue": 0}
    kinds = (
        ("action.due_soon", CorrectiveAction.due_soon_sent_at, CorrectiveAction.due >= today),
        ("action.overdue", CorrectiveAction.overdue_sent_at, CorrectiveAction.due < today),
    )
    for event, column, when in kinds:
        stmt = select(CorrectiveAction.id).where(
            CorrectiveAction.status == "open",
            column.is_(None),
            when,
            CorrectiveAction.due <= today + timedelta(days=DUE_SOON_DAYS),
        )
        for action_id in session.scalars(stmt.order_by(CorrectiveAction.id)).all():
            if _claim(session, action_id, column, now):
                publish(event, action_id=action_id)
                counts[event] += 1
    return counts


@periodic_task(crontab(minute="5"))
def remind_owners() -> None:
    """Hourly: the due-soon and overdue reminders to owners."""
    claim_reminders(db.session, utcnow())
    db.session.commit()


@periodic_task(crontab(hour=str(DIGEST_HOUR), minute="0"))
def daily_digests() -> None:
    """Daily: the managers' digests."""
    send_digests(db.session, utcnow())
    db.session.commit()
