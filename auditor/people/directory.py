"""Listings of accounts: the admin's table of users, and the auditors a visit may go to.

Imports `models` only. Who may read these is decided before: the admin pages and endpoints
that call them are for admins (`auditor.access.require_role`).
"""

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from auditor.models import User


def accounts_with_places(session: Session) -> list[User]:
    """Every account by role then name, each with its regions and store loaded."""
    stmt = (
        select(User)
        .options(selectinload(User.regions), joinedload(User.location))
        .order_by(User.role, User.name)
    )
    return list(session.scalars(stmt).unique())


def account_listing(role: str | None = None) -> Select:
    """Every account (of one role if given) in the order they were made, to page through."""
    stmt = select(User).order_by(User.id)
    return stmt if role is None else stmt.where(User.role == role)


def auditors(session: Session, *, active_only: bool) -> list[User]:
    """The auditors by name (only those still active, if asked)."""
    stmt = select(User).where(User.role == "auditor").order_by(User.name, User.id)
    return list(session.scalars(stmt.where(User.active.is_(True)) if active_only else stmt))
