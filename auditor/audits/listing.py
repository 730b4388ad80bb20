"""Lists of audits: the API's filtered list and the review queue, scoped by `auditor.access`."""

import uuid
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from auditor import access
from auditor.insights.queries import checklist_key_filter
from auditor.models import Audit, AuditSignal, User

EQUALITY_FILTERS = ("location_id", "auditor_id", "status")


def _with_signal(stmt: Select, code: str | None) -> Select:
    """Only audits carrying a signal of this code (all audits when None)."""
    if code is None:
        return stmt
    flagged = select(AuditSignal.audit_id).where(AuditSignal.code == code)
    return stmt.where(Audit.id.in_(flagged))


def audit_list(user: User, filters: Mapping[str, Any]) -> Select:
    """The user's audits, newest first, with what each document shows; `filters` may name
    `location_id`, `auditor_id`, `status`, `checklist` (a key), `signal` (a code) and a
    `from_`/`to` window on `finished_at`."""
    stmt = access.visible_audits(user)
    for field in EQUALITY_FILTERS:
        if field in filters:
            stmt = stmt.where(getattr(Audit, field) == filters[field])
    if "checklist" in filters:
        stmt = stmt.where(checklist_key_filter(filters["checklist"]))
    if "from_" in filters:
        stmt = stmt.where(Audit.finished_at >= filters["from_"])
    if "to" in filters:
        stmt = stmt.where(Audit.finished_at < filters["to"])
    stmt = _with_signal(stmt, filters.get("signal"))
    stmt = stmt.order_by(Audit.finished_at.desc(), Audit.created_at.desc())
    return access.with_audit_details(stmt)


def review_queue(user: User, signal: str | None = None) -> Select:
    """Submitted audits in the user's scope waiting for review, oldest first, with their
    signals; `signal` keeps those carrying a signal of that code. A resubmission is one whose
    latest review returned it (`review.resubmitted`)."""
    stmt = (
        access.visible_audits(user)
        .where(Audit.status == "submitted")
        .options(
            joinedload(Audit.location),
            joinedload(Audit.auditor),
            selectinload(Audit.signals),
        )
        .order_by(Audit.submitted_at, Audit.id)
    )
    return _with_signal(stmt, signal)


def unflagged_queue(user: User) -> Select:
    """The review queue's audits without signals, oldest first: what bulk approval may approve."""
    return review_queue(user).where(~Audit.signals.any())


def chosen_for_review(user: User, audit_ids: Collection[uuid.UUID]) -> Select:
    """The named audits in the user's scope, locked, with their details: what a bulk review
    acts on (audits outside the scope are simply not among them)."""
    stmt = access.visible_audits(user).where(Audit.id.in_(list(audit_ids)))
    stmt = access.with_audit_details(stmt).order_by(Audit.submitted_at, Audit.id)
    return stmt.with_for_update(of=Audit).execution_options(populate_existing=True)
