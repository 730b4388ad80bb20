"""Disputes as lists and marks: a page of them by status, the disputes of an audit, and which
of some audits are disputed (the marks of reports, pages and exports)."""

import uuid
from collections.abc import Iterable

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from auditor.disputes.scope import visible_disputes, with_dispute_details
from auditor.models import Audit, Dispute, User


def listed(user: User, status: str | None = None) -> Select:
    """The user's disputes, of one status when asked, with what their documents show."""
    stmt = with_dispute_details(visible_disputes(user))
    return stmt.where(Dispute.status == status) if status else stmt


def open_queue(session: Session, admin: User) -> list[Dispute]:
    """Open disputes, oldest first, each with its audit's answers, photos and location: the
    admin's page of decisions (a constant number of queries)."""
    stmt = (
        listed(admin, "open")
        .order_by(None)
        .order_by(Dispute.opened_at, Dispute.id)
        .options(
            joinedload(Dispute.audit).options(
                joinedload(Audit.auditor),
                joinedload(Audit.checklist),
                selectinload(Audit.answers),
                selectinload(Audit.photos),
            ),
        )
    )
    return list(session.scalars(stmt).unique())


def of_audit(session: Session, audit_id: uuid.UUID) -> list[Dispute]:
    """An audit's disputes, first opened first, with who opened and decided each."""
    stmt = with_dispute_details(select(Dispute).where(Dispute.audit_id == audit_id))
    return list(session.scalars(stmt.order_by(Dispute.opened_at, Dispute.id)).unique())


def counts_by_audit(session: Session, audit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """For each of the audits that has disputes: `{status: count}` (one query)."""
    ids = list(audit_ids)
    if not ids:
        return {}
    stmt = (
        select(Dispute.audit_id, Dispute.status, func.count())
        .where(Dispute.audit_id.in_(ids))
        .group_by(Dispute.audit_id, Dispute.status)
    )
    marks: dict[uuid.UUID, dict] = {}
    for audit_id, status, count in session.execute(stmt):
        marks.setdefault(audit_id, {})[status] = count
    return marks


def mark(counts: dict | None) -> str:
    """A short mark for reports: `open 1, upheld 1` (empty when undisputed)."""
    if not counts:
        return ""
    return ", ".join(f"{status} {counts[status]}" for status in sorted(counts))
