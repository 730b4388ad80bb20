"""Open visits auditors may claim: a schedule's visits nobody could be given (or a schedule
planned with no auditors) listed near the auditor, and taken by the first claim (a conditional
UPDATE … WHERE auditor_id IS NULL: of simultaneous claims exactly one changes the row)."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, contains_eager

from auditor import access
from auditor.core import audit_log
from auditor.core.errors import Conflict, NotFound
from auditor.models import Assignment, Location, Unavailability, User
from auditor.org.geo import haversine_m

DEFAULT_RADIUS_KM = 50.0
LIMIT = 100


@dataclass
class OpenVisit:
    """An open visit and how far its store is from where the auditor said they are."""

    assignment: Assignment
    distance_m: float | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.assignment, name)


def _near(stmt, lat: float, lon: float, radius_km: float):
    # a box in SQL (indexable, cheap), the exact distance in Python below
    d_lat = radius_km / 111.0
    d_lon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    return stmt.where(
        Location.lat.between(lat - d_lat, lat + d_lat),
        Location.lon.between(lon - d_lon, lon + d_lon),
    )


def open_visits(
    session: Session,
    user: User,
    now: datetime,
    *,
    lat: float | None = None,
    lon: float | None = None,
    radius_km: float | None = None,
) -> list[OpenVisit]:
    """Unassigned open visits not yet over: near a point (nearest first) if given, else in the
    auditor's regions if they have any, else everywhere (soonest first)."""
    access.require_role(user, "auditor")
    stmt = (
        select(Assignment)
        .join(Assignment.location)
        .options(contains_eager(Assignment.location))
        .where(
            Assignment.auditor_id.is_(None),
            Assignment.status == "open",
            Assignment.due_to > now,
            Location.active.is_(True),
        )
        .order_by(Assignment.due_from, Assignment.id)
    )
    if lat is not None and lon is not None:
        radius = radius_km or DEFAULT_RADIUS_KM
        found = session.scalars(_near(stmt, lat, lon, radius))
        near = [OpenVisit(a, haversine_m(lat, lon, a.location.lat, a.location.lon)) for a in found]
        near = [visit for visit in near if visit.distance_m <= radius * 1000]
        return sorted(near, key=lambda visit: visit.distance_m)[:LIMIT]
    if user.regions:
        stmt = stmt.where(Location.region_id.in_([region.id for region in user.regions]))
    return [OpenVisit(assignment, None) for assignment in session.scalars(stmt.limit(LIMIT))]


def _refuse_clash(session: Session, user: User, visit: Assignment) -> None:
    # a visit in the same daypart window elsewhere (a scheduled one: plain planned visits span
    # days and do not pin the auditor to an hour)
    overlapping = exists().where(
        Assignment.auditor_id == user.id,
        Assignment.status == "open",
        Assignment.daypart.is_not(None),
        Assignment.due_from < visit.due_to,
        Assignment.due_to > visit.due_from,
    )
    if session.scalar(select(overlapping)):
        raise Conflict("You already have a visit at that time.")
    day = visit.due_from.astimezone(ZoneInfo(visit.location.timezone or "UTC")).date()
    away = session.get(Unavailability, (user.id, day))
    if away is not None:
        raise Conflict(f"You said you are away on {day.isoformat()}.")


def claim(session: Session, user: User, assignment_id: int, now: datetime) -> Assignment:
    """Take an open visit: the first claim wins, every later one is refused with 409."""
    access.require_role(user, "auditor")
    visit = session.get(Assignment, assignment_id)
    if visit is None or visit.schedule_id is None or not visit.location.active:
        raise NotFound(f"Open visit {assignment_id} not found.")
    if visit.auditor_id is not None or visit.status != "open" or visit.due_to <= now:
        raise Conflict("This visit is no longer open to claim.")
    _refuse_clash(session, user, visit)
    taken = session.execute(
        update(Assignment)
        .where(
            Assignment.id == assignment_id,
            Assignment.auditor_id.is_(None),
            Assignment.status == "open",
        )
        .values(auditor_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise Conflict("Another auditor claimed this visit first.")
    session.refresh(visit)
    audit_log.record(session, user, "assignment.claim", "assignment", visit.id)
    return visit
