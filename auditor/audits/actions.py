"""Corrective actions: raised when an approved audit fails a critical question or a section,
changed as they are followed up, and listed."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from auditor import access
from auditor.checklists.scoring import AuditScore
from auditor.core import audit_log
from auditor.core.errors import Invalid
from auditor.models import Audit, CorrectiveAction, Location, User, region_managers, utcnow

DUE_DAYS = 14


def _failures(definition: Mapping, result: AuditScore) -> list[tuple[str, str | None, str]]:
    """(section key, question key or None, reason) for each failure that needs an action."""
    failures = []
    threshold = definition["action_threshold"]
    for section in definition["sections"]:
        for question in section["questions"]:
            outcome = result.questions.get(question["key"])
            if question["critical"] and outcome is not None and outcome.score == 0:
                reason = f"Critical question failed: {question['text']}"
                failures.append((section["key"], question["key"], reason))
        score = result.sections.get(section["key"])
        if score is not None and score < threshold:
            reason = f"{section['title']} scored {score:.1f}, below {threshold:g}"
            failures.append((section["key"], None, reason))
    return failures


def _owner(session: Session, location_id: int) -> User | None:
    """The location's manager: the first manager of its region."""
    stmt = (
        select(User)
        .join(region_managers, region_managers.c.user_id == User.id)
        .join(Location, Location.region_id == region_managers.c.region_id)
        .where(Location.id == location_id, User.active.is_(True))
        .order_by(User.id)
    )
    return session.scalars(stmt.limit(1)).first()


def raise_for(
    session: Session, audit: Audit, definition: Mapping, result: AuditScore
) -> list[CorrectiveAction]:
    """Open an action for each failure of an approved audit that has none yet."""
    existing = {
        (a.section_key, a.question_key)
        for a in session.scalars(
            select(CorrectiveAction).where(CorrectiveAction.audit_id == audit.id)
        )
    }
    failures = [f for f in _failures(definition, result) if (f[0], f[1]) not in existing]
    if not failures:
        return []
    owner, due = _owner(session, audit.location_id), (utcnow() + timedelta(days=DUE_DAYS)).date()
    raised = [
        CorrectiveAction(
            location_id=audit.location_id,
            audit_id=audit.id,
            section_key=section,
            question_key=question,
            reason=reason,
            owner=owner,
            due=due,
        )
        for section, question, reason in failures
    ]
    session.add_all(raised)
    return raised


def update(
    session: Session, actor: User, action: CorrectiveAction, changes: Mapping[str, Any]
) -> CorrectiveAction:
    """Change status, note, owner or due date; closing an action needs a note."""
    note = changes.get("note", action.note)
    if changes.get("status") == "done" and not (note or "").strip():
        raise Invalid({"note": ["Say how it was resolved."]})
    for field in ("note", "due"):
        if field in changes:
            setattr(action, field, changes[field])
    if "status" in changes and changes["status"] != action.status:
        action.status = changes["status"]
        action.resolved_at = utcnow() if action.status == "done" else None
    audit_log.record(session, actor, "action.update", "action", action.id, fields=sorted(changes))
    return action


def listing(user: User, *, status: str | None = None, location_id: int | None = None) -> Select:
    """Corrective actions in the user's scope, open ones first and then soonest due, with
    location and owner, of one status and location if given."""
    stmt = access.visible_actions(user).options(
        joinedload(CorrectiveAction.location), joinedload(CorrectiveAction.owner)
    )
    if status is not None:
        stmt = stmt.where(CorrectiveAction.status == status)
    if location_id is not None:
        stmt = stmt.where(CorrectiveAction.location_id == location_id)
    return stmt.order_by(CorrectiveAction.status.desc(), CorrectiveAction.due, CorrectiveAction.id)


def follow_up_listing(user: User, status: str | None = None) -> Select:
    """Corrective actions in the user's scope to follow up, soonest due first, with location,
    owner and evidence photo, of one status if given (the manager's actions page)."""
    stmt = access.visible_actions(user).options(
        joinedload(CorrectiveAction.location),
        joinedload(CorrectiveAction.owner),
        joinedload(CorrectiveAction.evidence_photo),
    )
    if status is not None:
        stmt = stmt.where(CorrectiveAction.status == status)
    return stmt.order_by(CorrectiveAction.due, CorrectiveAction.id)
