"""An auditor's declared days off: listing, adding and removing them (the planner keeps them)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from auditor import access
from auditor.core.errors import Invalid
from auditor.models import Unavailability, User

MAX_DAYS = 366


def days_off(
    session: Session, user_ids: Sequence[int], first: date, last: date
) -> dict[int, set[date]]:
    """Each auditor's days off between two days, inclusive."""
    stmt = select(Unavailability).where(
        Unavailability.user_id.in_(list(user_ids)),
        Unavailability.day >= first,
        Unavailability.day <= last,
    )
    away: dict[int, set[date]] = defaultdict(set)
    for row in session.scalars(stmt):
        away[row.user_id].add(row.day)
    return away


def listing(session: Session, user: User, since: date) -> list[date]:
    access.require_role(user, "auditor")
    stmt = select(Unavailability.day).where(
        Unavailability.user_id == user.id, Unavailability.day >= since
    )
    return list(session.scalars(stmt.order_by(Unavailability.day)))


def add(session: Session, user: User, days: Iterable[date], today: date) -> list[date]:
    """Declare days off (past days refused; a day given twice is kept once)."""
    access.require_role(user, "auditor")
    wanted = sorted(set(days))
    past = [day.isoformat() for day in wanted if day < today]
    if past:
        raise Invalid({"days": [f"Days already past: {past}."]})
    if len(wanted) > MAX_DAYS:
        raise Invalid({"days": [f"At most {MAX_DAYS} days at once."]})
    have = set(listing(session, user, today))
    for day in wanted:
        if day not in have:
            session.add(Unavailability(user_id=user.id, day=day))
    session.flush()
    return listing(session, user, today)


def remove(session: Session, user: User, day: date) -> None:
    access.require_role(user, "auditor")
    session.execute(
        delete(Unavailability).where(Unavailability.user_id == user.id, Unavailability.day == day)
    )
