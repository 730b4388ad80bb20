"""Email alerts (DESIGN §10.7), each to exactly the recipients it names: an approval with a
critical failure or below the checklist's alert_threshold to the region's managers (or into
their daily digest), a returned audit to its auditor, a new assignment to its auditor, a
corrective action opened, due in 2 days and overdue to its owner, a dispute opened to the
admins and settled to its opener.

Subscribers run inside the transaction that publishes the event and only enqueue a job after
its commit; the job decides the recipients from what was committed, keeps to what each may see
(`access`), honours each one's preferences, and queues one email per recipient.
"""

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor import access
from auditor.audits.answers import definition_for
from auditor.core.extensions import db
from auditor.models import (
    Assignment,
    Audit,
    CorrectiveAction,
    EmailPreference,
    Location,
    User,
    region_managers,
)
from auditor.notify import messages
from auditor.notify.email import Email, enqueue
from auditor.notify.events import subscriber
from auditor.notify.queue import after_commit, task

ACTION_KINDS = {
    "action.opened": "action_opened",
    "action.due_soon": "action_due_soon",
    "action.overdue": "action_overdue",
}


def preference(session: Session, user: User) -> EmailPreference | None:
    """A user's email settings (None: every kind, one mail each)."""
    return session.get(EmailPreference, user.id)


def wants(session: Session, user: User, kind: str) -> bool:
    """Whether an active user takes this kind of email."""
    found = preference(session, user)
    return user.active and (found is None or kind not in (found.off or []))


def takes_digest(session: Session, user: User) -> bool:
    """Whether a manager takes approval alerts as one daily digest instead."""
    found = preference(session, user)
    return found is not None and found.digest


def region_managers_of(session: Session, location: Location) -> list[User]:
    """The active managers of a store's region."""
    stmt = (
        select(User)
        .join(region_managers, region_managers.c.user_id == User.id)
        .where(
            region_managers.c.region_id == location.region_id,
            User.role == "manager",
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    return list(session.scalars(stmt))


def _audit(session: Session, audit_id: str) -> Audit | None:
    stmt = access.with_audit_details(select(Audit).where(Audit.id == uuid.UUID(audit_id)))
    return session.scalars(stmt).unique().first()


def approval_emails(session: Session, audit_id: str) -> list[Email]:
    """An alerting approval, to each manager of the store's region who takes it one by one."""
    audit = _audit(session, audit_id)
    if audit is None or not messages.alerts(definition_for(session, audit), audit):
        return []
    return [
        messages.audit_alert(session, audit, manager)
        for manager in region_managers_of(session, audit.location)
        if wants(session, manager, "audit_alert")
        and not takes_digest(session, manager)
        and access.find_audit_for(session, manager, audit.id) is not None
    ]


def returned_emails(session: Session, audit_id: str) -> list[Email]:
    """A returned audit, to its auditor."""
    audit = _audit(session, audit_id)
    if audit is None or audit.status != "returned":
        return []
    if not wants(session, audit.auditor, "audit_returned"):
        return []
    return [messages.audit_returned(session, audit)]


def assignment_emails(session: Session, assignment_id: int) -> list[Email]:
    """A new planned visit, to its auditor."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.status != "open":
        return []
    if not wants(session, assignment.auditor, "assignment_created"):
        return []
    return [messages.assignment_created(assignment)]


def action_emails(session: Session, kind: str, action_id: int) -> list[Email]:
    """An open corrective action (opened, due in 2 days, overdue), to its owner if they may
    see it."""
    action = session.get(CorrectiveAction, action_id)
    if action is None or action.status != "open" or action.owner is None:
        return []
    owner = action.owner
    if not wants(session, owner, kind):
        return []
    if owner.role not in ("admin", "manager") and not (owner.role == "staff" and owner.lead):
        return []
    seen = session.scalar(
        access.visible_actions(owner)
        .where(CorrectiveAction.id == action_id)
        .with_only_columns(CorrectiveAction.id)
    )
    return [messages.action_email(kind, action, owner)] if seen is not None else []


def send_all(emails: Iterable[Email]) -> int:
    count = 0
    for email in emails:
        enqueue(email)
        count += 1
    return count


@task(retries=3, retry_delay=60)
def approval_alert(audit_id: str) -> int:
    """Job: the approval alert of one audit."""
    return send_all(approval_emails(db.session, audit_id))


@task(retries=3, retry_delay=60)
def returned_alert(audit_id: str) -> int:
    """Job: the returned-audit email."""
    return send_all(returned_emails(db.session, audit_id))


@task(retries=3, retry_delay=60)
def assignment_alert(assignment_id: int) -> int:
    """Job: the new-assignment email."""
    return send_all(assignment_emails(db.session, assignment_id))


@task(retries=3, retry_delay=60)
def action_alert(kind: str, action_id: int) -> int:
    """Job: a corrective action's email to its owner."""
    return send_all(action_emails(db.session, kind, action_id))


@subscriber("audit.approved")
def _approved(_event: str, refs: dict) -> None:
    after_commit(approval_alert, str(refs["audit_id"]))


@subscriber("audit.returned")
def _returned(_event: str, refs: dict) -> None:
    after_commit(returned_alert, str(refs["audit_id"]))


@subscriber("assignment.created")
def _assigned(_event: str, refs: dict) -> None:
    after_commit(assignment_alert, int(refs["assignment_id"]))


@subscriber(*ACTION_KINDS)
def _action(event: str, refs: dict) -> None:
    after_commit(action_alert, ACTION_KINDS[event], int(refs["action_id"]))
