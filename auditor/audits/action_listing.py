"""Listing corrective actions: filtered by store, section, owner, status, priority and due
date, overdue first, with what each page shows loaded in a constant number of queries."""

import uuid
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, select
from sqlalchemy.orm import Session, joinedload

from auditor import access
from auditor.models import Audit, CorrectiveAction, User, audit_actions

# due-date filters: past due (open), due within a week, due later
DUE_FILTERS = ("overdue", "week", "later")
SOON_DAYS = 7


@dataclass(frozen=True)
class ActionFilters:
    """What an actions listing is narrowed to (None: no filter)."""

    status: str | None = None  # open | done
    location_id: int | None = None
    section: str | None = None
    owner_id: int | None = None
    priority: str | None = None
    due: str | None = None  # one of DUE_FILTERS

    def query(self, **extra) -> dict:
        """The filters as query parameters (unset ones left out)."""
        return {**{k: v for k, v in asdict(self).items() if v is not None}, **extra}


def _narrowed(stmt: Select, filters: ActionFilters, today: date) -> Select:
    column = CorrectiveAction
    for value, clause in (
        (filters.status, column.status == filters.status),
        (filters.location_id, column.location_id == filters.location_id),
        (filters.section, column.section_key == filters.section),
        (filters.owner_id, column.owner_id == filters.owner_id),
        (filters.priority, column.priority == filters.priority),
    ):
        if value is not None:
            stmt = stmt.where(clause)
    soon = today + timedelta(days=SOON_DAYS)
    if filters.due == "overdue":
        stmt = stmt.where(column.status == "open", column.due < today)
    elif filters.due == "week":
        stmt = stmt.where(column.due >= today, column.due <= soon)
    elif filters.due == "later":
        stmt = stmt.where(column.due > soon)
    return stmt


def listing(user: User, filters: ActionFilters, today: date) -> Select:
    """Corrective actions in the user's scope that the filters keep: open overdue ones first
    (most overdue first), then open ones soonest due, then done ones; with location, owner and
    evidence photo."""
    stmt = access.visible_actions(user).options(
        joinedload(CorrectiveAction.location),
        joinedload(CorrectiveAction.owner),
        joinedload(CorrectiveAction.evidence_photo),
    )
    is_open = CorrectiveAction.status == "open"
    rank = case((and_(is_open, CorrectiveAction.due < today), 0), (is_open, 1), else_=2)
    stmt = _narrowed(stmt, filters, today)
    return stmt.order_by(rank, CorrectiveAction.due, CorrectiveAction.id)


def linked_audits(session: Session, action_ids: list[int]) -> dict[int, list[uuid.UUID]]:
    """The approved audits that failed what each action follows up, oldest visit first (one
    query for any number of actions)."""
    if not action_ids:
        return {}
    stmt = (
        select(audit_actions.c.action_id, Audit.id)
        .join(Audit, Audit.id == audit_actions.c.audit_id)
        .where(audit_actions.c.action_id.in_(action_ids))
        .order_by(Audit.finished_at, Audit.id)
    )
    linked: dict[int, list[uuid.UUID]] = {action_id: [] for action_id in action_ids}
    for action_id, audit_id in session.execute(stmt):
        linked[action_id].append(audit_id)
    return linked
