"""Corrective actions: raised when an approved audit fails a critical question or a section (one
open action per store and question or section: a repeat joins the open one), owned, commented,
changed as they are followed up, and listed."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from auditor.checklists.scoring import AuditScore
from auditor.core import audit_log
from auditor.core.errors import Conflict, Forbidden, Invalid
from auditor.models import (
    ActionComment,
    Audit,
    CorrectiveAction,
    Location,
    User,
    action_subject,
    audit_actions,
    region_managers,
    utcnow,
)
from auditor.notify.events import publish

DUE_DAYS = 14  # a checklist without action_due_days
COMMENT_MAX = 2000
# what only those who assign the work may change; an owner on the shop floor resolves
ASSIGNING = ("owner_id", "due", "priority")


class Failure(NamedTuple):
    """A failure of an approved audit that needs an action."""

    section: str
    question: str | None
    reason: str
    priority: str

    @property
    def subject(self) -> str:
        """What the action follows up at the store (models.action_subject)."""
        return action_subject(self.section, self.question)


def failures_of(definition: Mapping, result: AuditScore) -> list[Failure]:
    """Each failure of a scored audit that needs an action: a critical question scoring zero
    (high priority) or a section below the checklist's action_threshold."""
    failures = []
    threshold = definition["action_threshold"]
    for section in definition["sections"]:
        for question in section["questions"]:
            outcome = result.questions.get(question["key"])
            if question["critical"] and outcome is not None and outcome.score == 0:
                reason = f"Critical question failed: {question['text']}"
                failures.append(Failure(section["key"], question["key"], reason, "high"))
        score = result.sections.get(section["key"])
        if score is not None and score < threshold:
            reason = f"{section['title']} scored {score:.1f}, below {threshold:g}"
            priority = "high" if score < threshold / 2 else "normal"
            failures.append(Failure(section["key"], None, reason, priority))
    return failures


def default_owner(session: Session, location_id: int) -> User | None:
    """Who follows a store's actions up: its active lead staff member, else the first active
    manager of its region."""
    lead = select(User).where(
        User.location_id == location_id,
        User.role == "staff",
        User.lead.is_(True),
        User.active.is_(True),
    )
    found = session.scalars(lead.order_by(User.id).limit(1)).first()
    if found is not None:
        return found
    manager = (
        select(User)
        .join(region_managers, region_managers.c.user_id == User.id)
        .join(Location, Location.region_id == region_managers.c.region_id)
        .where(Location.id == location_id, User.active.is_(True), User.role == "manager")
    )
    return session.scalars(manager.order_by(User.id).limit(1)).first()


def due_after(audit: Audit, definition: Mapping) -> date:
    """The due date of an action the audit raises: action_due_days after its approval."""
    approved = audit.reviewed_at or utcnow()
    return (approved + timedelta(days=definition.get("action_due_days") or DUE_DAYS)).date()


def raise_for(
    session: Session, audit: Audit, definition: Mapping, result: AuditScore
) -> list[CorrectiveAction]:
    """Follow up each failure of an approved audit not yet followed up for it: a failure whose
    store already has an open action for that question or section joins it (priority high: it
    repeated); any other opens a new action (`action.opened`). Answers the new actions."""
    linked = set(
        session.scalars(
            select(CorrectiveAction.subject)
            .join(audit_actions, audit_actions.c.action_id == CorrectiveAction.id)
            .where(audit_actions.c.audit_id == audit.id)
        )
    )
    failures = [f for f in failures_of(definition, result) if f.subject not in linked]
    if not failures:
        return []
    # one approval at a time per store decides what is open there (PostgreSQL row lock;
    # SQLite's writes are serialised already)
    session.execute(select(Location.id).where(Location.id == audit.location_id).with_for_update())
    stmt = select(CorrectiveAction).where(
        CorrectiveAction.location_id == audit.location_id,
        CorrectiveAction.status == "open",
        CorrectiveAction.subject.in_([f.subject for f in failures]),
    )
    open_ = {action.subject: action for action in session.scalars(stmt)}
    raised = _open_new(session, audit, definition, [f for f in failures if f.subject not in open_])
    for failure in failures:
        if failure.subject in open_:
            open_[failure.subject].priority = "high"
    followed = [*raised, *(open_[f.subject] for f in failures if f.subject in open_)]
    session.execute(
        insert(audit_actions), [{"action_id": a.id, "audit_id": audit.id} for a in followed]
    )
    for action in raised:
        publish("action.opened", action_id=action.id)
    return raised


def _open_new(
    session: Session, audit: Audit, definition: Mapping, failures: list[Failure]
) -> list[CorrectiveAction]:
    if not failures:
        return []
    owner, due = default_owner(session, audit.location_id), due_after(audit, definition)
    raised = [
        CorrectiveAction(
            location_id=audit.location_id,
            audit_id=audit.id,
            section_key=failure.section,
            question_key=failure.question,
            subject=failure.subject,
            reason=failure.reason,
            priority=failure.priority,
            owner=owner,
            due=due,
        )
        for failure in failures
    ]
    session.add_all(raised)
    session.flush()
    return raised


def eligible_owners(session: Session, location: Location) -> list[User]:
    """Who may own a store's action: the active managers of its region and its staff leads."""
    managers = (
        select(User)
        .join(region_managers, region_managers.c.user_id == User.id)
        .where(region_managers.c.region_id == location.region_id, User.role == "manager")
    )
    leads = select(User).where(
        User.location_id == location.id, User.role == "staff", User.lead.is_(True)
    )
    found = {u.id: u for q in (managers, leads) for u in session.scalars(q) if u.active}
    return sorted(found.values(), key=lambda user: (user.role, user.name, user.id))


def update(
    session: Session, actor: User, action: CorrectiveAction, changes: Mapping[str, Any]
) -> CorrectiveAction:
    """Change status, note, owner, priority or due date; closing an action needs a note.

    A store's lead resolves, reopens and notes; only managers and admins assign (owner, due,
    priority). Reopening while another action for the same question is open answers 409.
    """
    if actor.role == "staff" and any(field in changes for field in ASSIGNING):
        raise Forbidden("Only a manager or an admin assigns an action.")
    note = changes.get("note", action.note)
    if changes.get("status") == "done" and not (note or "").strip():
        raise Invalid({"note": ["Say how it was resolved."]})
    if "owner_id" in changes:
        action.owner = _owner_for(session, action, changes["owner_id"])
    for field in ("note", "priority"):
        if field in changes:
            setattr(action, field, changes[field])
    if "due" in changes and changes["due"] != action.due:
        # a new due date deserves its own reminders
        action.due, action.due_soon_sent_at, action.overdue_sent_at = changes["due"], None, None
    if "status" in changes and changes["status"] != action.status:
        if changes["status"] == "open":
            _no_other_open(session, action)
        action.status = changes["status"]
        action.resolved_at = utcnow() if action.status == "done" else None
    audit_log.record(session, actor, "action.update", "action", action.id, fields=sorted(changes))
    return action


def _owner_for(session: Session, action: CorrectiveAction, owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owners = {user.id: user for user in eligible_owners(session, action.location)}
    if owner_id not in owners:
        message = "The owner must be a manager of the store's region or its lead staff member."
        raise Invalid({"owner_id": [message]}, message)
    return owners[owner_id]


def _no_other_open(session: Session, action: CorrectiveAction) -> None:
    other = session.scalar(
        select(CorrectiveAction.id).where(
            CorrectiveAction.location_id == action.location_id,
            CorrectiveAction.subject == action.subject,
            CorrectiveAction.status == "open",
            CorrectiveAction.id != action.id,
        )
    )
    if other is not None:
        raise Conflict(f"Action {other} follows this up already; it is open.")


def add_comment(
    session: Session, actor: User, action: CorrectiveAction, body: str | None
) -> ActionComment:
    """A comment on an action by someone who may see it (2000 characters at most)."""
    body = (body or "").strip()
    if not body:
        raise Invalid({"body": ["Write a comment."]})
    if len(body) > COMMENT_MAX:
        raise Invalid({"body": [f"At most {COMMENT_MAX} characters."]})
    comment = ActionComment(action=action, author=actor, body=body)
    session.add(comment)
    session.flush()
    audit_log.record(session, actor, "action.comment", "action", action.id, comment=comment.id)
    return comment
