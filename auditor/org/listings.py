"""Listings of regions and locations, for tables and form choices, scoped by `auditor.access`."""

from sqlalchemy.orm import Session, joinedload

from auditor import access
from auditor.models import Location, Region, User


def region_choices(session: Session, user: User) -> list[Region]:
    """The regions the user may pick, by name."""
    return list(session.scalars(access.visible_regions(user)))


def location_choices(session: Session, user: User) -> list[Location]:
    """The locations the user may pick, active or not, by code."""
    return list(session.scalars(access.visible_locations(user)))


def locations_with_regions(session: Session, user: User) -> list[Location]:
    """The locations in the user's scope, by code, each with its region loaded (one query)."""
    stmt = access.visible_locations(user).options(joinedload(Location.region))
    return list(session.scalars(stmt))


def location_listing(user: User, *, region_id: int | None = None, active: bool | None = None):
    """The locations in the user's scope, by code, of one region and activity if given."""
    stmt = access.visible_locations(user)
    if region_id is not None:
        stmt = stmt.where(Location.region_id == region_id)
    if active is not None:
        stmt = stmt.where(Location.active == active)
    return stmt
