"""Lists of audits: the API's filtered list and the review queue, scoped by `auditor.access`."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from auditor import access
from auditor.insights.queries import checklist_key_filter
from auditor.models import Audit, User

EQUALITY_FILTERS = ("location_id", "auditor_id", "status")


def audit_list(user: User, filters: Mapping[str, Any]) -> Select:
    """The user's audits, newest first, with what each document shows; `filters` may name
    `location_id`, `auditor_id`, `status`, `checklist` (a key) and a `from_`/`to` window on
    `finished_at`."""
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
    stmt = stmt.order_by(Audit.finished_at.desc(), Audit.created_at.desc())
    return access.with_audit_details(stmt)


def review_queue(user: User) -> Select:
    """Submitted audits in the user's scope waiting for review, oldest first."""
    return (
        access.visible_audits(user)
        .where(Audit.status == "submitted")
        .options(joinedload(Audit.location), joinedload(Audit.auditor))
        .order_by(Audit.submitted_at, Audit.id)
    )
