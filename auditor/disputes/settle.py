"""Settling a dispute (admin): uphold corrects the answer through the reviewer's correction
path (a revision of kind `dispute`, rescored), reject changes nothing; both are audited."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor import access
from auditor.audits.review import apply_correction
from auditor.core import audit_log
from auditor.core.errors import NotFound
from auditor.disputes import rules
from auditor.disputes.events import announce
from auditor.models import Dispute, User, utcnow


def locked_dispute(session: Session, admin: User, dispute_id: int) -> Dispute:
    """A dispute to settle, with its audit locked first (as opening locks it), then its row."""
    access.require_role(admin, "admin")
    audit_id = session.scalar(select(Dispute.audit_id).where(Dispute.id == dispute_id))
    if audit_id is None:
        raise NotFound(f"Dispute {dispute_id} not found.")
    access.get_audit_for(session, admin, audit_id, lock=True, details=True)
    stmt = select(Dispute).where(Dispute.id == dispute_id).with_for_update(of=Dispute)
    return session.scalars(stmt.execution_options(populate_existing=True)).one()


def decide(
    session: Session,
    admin: User,
    dispute: Dispute,
    decision: str,
    note: str | None,
    data: Mapping[str, Any],
) -> Dispute:
    """Uphold (correcting the answer and rescoring the audit) or reject an open dispute."""
    rules.check_open(dispute)
    note = (note or "").strip()
    answer = rules.corrected_answer(decision, note, data)
    audit = dispute.audit
    if decision == "uphold":
        reason = note or f"Dispute {dispute.id} upheld."
        apply_correction(
            session,
            admin,
            audit,
            dispute.question_key,
            answer,
            reason,
            "dispute",
            dispute=dispute.id,
        )
        dispute.value, dispute.na = answer["value"], answer["na"]
    dispute.status = rules.STATUS_AFTER[decision]
    dispute.decided_by, dispute.decided_at, dispute.decision_note = admin, utcnow(), note
    detail = {"dispute": dispute.id, "question": dispute.question_key, "note": note}
    action = f"dispute.{dispute.status}"
    audit_log.record(session, admin, action, "audit", audit.id, **detail, score=audit.score_overall)
    announce("dispute.settled", dispute_id=dispute.id)
    return dispute
