"""Revisions of an audit (DESIGN §10.1): every submit, reviewer correction and upheld dispute
stores what it changed, so a manager sees what an auditor altered after a return.

A revision keeps only its changes; the answers as of the latest revision are those changes
replayed in order, and revision 1 lists every answer as a change from null.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from auditor.models import Audit, AuditRevision, User, utcnow

Snapshot = dict[str, dict[str, Any]]


def snapshot(audit: Audit) -> Snapshot:
    """The audit's answers now, by question key, as `{value, na, comment}`."""
    return {
        answer.question_key: {"value": answer.value, "na": answer.na, "comment": answer.comment}
        for answer in audit.answers
    }


def as_of_latest(audit: Audit) -> Snapshot:
    """The answers as the audit's latest revision left them (empty before revision 1)."""
    state: Snapshot = {}
    for revision in audit.revisions:
        for change in revision.changes:
            if change["after"] is None:
                state.pop(change["question"], None)
            else:
                state[change["question"]] = change["after"]
    return state


def changes_between(before: Mapping[str, Mapping], after: Mapping[str, Mapping]) -> list[dict]:
    """What differs from `before` to `after`, in the order of `after` then removed keys."""
    changes = [
        {"question": key, "before": _copy(before.get(key)), "after": _copy(value)}
        for key, value in after.items()
        if before.get(key) != value
    ]
    gone = sorted(key for key in before if key not in after)
    removed = [{"question": key, "before": _copy(before[key]), "after": None} for key in gone]
    return changes + removed


def _copy(answer: Mapping | None) -> dict | None:
    return None if answer is None else {k: answer.get(k) for k in ("value", "na", "comment")}


def record(
    session: Session,
    audit: Audit,
    actor: User | None,
    kind: str,
    before: Mapping[str, Mapping] | None = None,
    reason: str = "",
) -> AuditRevision:
    """Store the audit's next revision with exactly what changed since `before` (by default, the
    answers as of its latest revision); revision 1 lists every answer as a change from null."""
    revisions = audit.revisions
    if not revisions or before is None:
        before = as_of_latest(audit)
    revision = AuditRevision(
        number=len(revisions) + 1,
        kind=kind,
        # a submit's revision is dated by the server's submit time, as the audit is
        at=audit.submitted_at if kind == "submit" and audit.submitted_at else utcnow(),
        by=actor,
        reason=reason,
        changes=changes_between(before, snapshot(audit)),
    )
    revisions.append(revision)
    session.add(revision)
    return revision


def latest_changes(audit: Audit) -> list[dict]:
    """The changes of the audit's latest submit revision (empty before one)."""
    for revision in reversed(audit.revisions):
        if revision.kind == "submit":
            return revision.changes
    return []


def history(session: Session, audit: Audit) -> list[AuditRevision]:
    """The audit's revisions, first to latest, with who made each (one query)."""
    stmt = (
        select(AuditRevision)
        .where(AuditRevision.audit_id == audit.id)
        .options(joinedload(AuditRevision.by))
        .order_by(AuditRevision.number)
    )
    return list(session.scalars(stmt))
