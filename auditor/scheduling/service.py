"""Schedules in the database: creating and editing them (in the planner's scope), turning them
into the planner's programme, previewing their plan, and creating their assignments ahead.

Editing a schedule re-plans only visits not yet started: its open visits with no audit begun
are cancelled (their occurrence freed) and planned again; started, done and past visits stay as
they are and the planner keeps them fixed.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload, selectinload

from auditor import access
from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid, NotFound
from auditor.models import Assignment, Audit, Checklist, Location, Schedule, User, utcnow
from auditor.notify.events import publish
from auditor.scheduling.dayparts import DAYPARTS, SHARES, label
from auditor.scheduling.planner import horizon_for, plan
from auditor.scheduling.programme import Person, Plan, Programme, Site, Visit
from auditor.scheduling.unavailability import days_off

AHEAD_DAYS = 28  # the daily job creates visits four weeks ahead
START_WITHIN_DAYS = 366  # a schedule starts within a year of today, either way


def _locations(session: Session, planner: User, ids: Sequence[int]) -> list[Location]:
    wanted = list(dict.fromkeys(ids))
    stmt = access.auditable_locations(planner).where(Location.id.in_(wanted))
    found = {location.id: location for location in session.scalars(stmt)}
    missing = [location_id for location_id in wanted if location_id not in found]
    if missing:
        raise Invalid({"location_ids": [f"Unknown or inactive locations: {missing}."]})
    return [found[location_id] for location_id in wanted]


def _auditors(session: Session, ids: Sequence[int]) -> list[User]:
    wanted = list(dict.fromkeys(ids))
    stmt = select(User).where(User.id.in_(wanted), User.role == "auditor", User.active.is_(True))
    found = {user.id: user for user in session.scalars(stmt)}
    missing = [user_id for user_id in wanted if user_id not in found]
    if missing:
        raise Invalid({"auditor_ids": [f"Not active auditors: {missing}."]})
    return [found[user_id] for user_id in wanted]


def _check_shares(shares: Mapping[str, Any]) -> dict[str, float]:
    """Shares of known names, each from 0 to 1, the three dayparts adding up to at most 1."""
    unknown = sorted(set(shares) - set(SHARES))
    if unknown:
        raise Invalid({"dayparts": [f"Unknown shares {unknown}: use {', '.join(SHARES)}."]})
    if not all(isinstance(v, int | float) and 0 <= v <= 1 for v in shares.values()):
        raise Invalid({"dayparts": ["Each share is from 0 to 1."]})
    if sum(shares.get(name, 0) for name in DAYPARTS) > 1 + 1e-9:
        raise Invalid({"dayparts": ["morning, afternoon and evening add up to at most 1."]})
    return {name: float(value) for name, value in shares.items()}


def _check_rhythm(every_days: int, min_gap_days: int) -> None:
    if min_gap_days > every_days:
        message = f"At most every_days ({every_days}): a visit comes every {every_days} days."
        raise Invalid({"min_gap_days": [message]})


def _check_start(starts_on: date | None) -> date:
    today = utcnow().date()
    if starts_on is None:
        return today
    if abs((starts_on - today).days) > START_WITHIN_DAYS:
        raise Invalid({"starts_on": [f"Within {START_WITHIN_DAYS} days of today."]})
    return starts_on


def create(session: Session, planner: User, data: Mapping[str, Any]) -> Schedule:
    """A new active schedule (admin, or a manager for stores of their regions)."""
    access.require_role(planner, "admin", "manager")
    starts_on = _check_start(data.get("starts_on"))
    checklist = session.get(Checklist, data["checklist_id"])
    if checklist is None or checklist.status != "published":
        raise Invalid({"checklist_id": [f"Unknown published checklist {data['checklist_id']}."]})
    _check_rhythm(data["every_days"], data["min_gap_days"])
    schedule = Schedule(
        checklist_id=checklist.id,
        every_days=data["every_days"],
        min_gap_days=data["min_gap_days"],
        dayparts=_check_shares(data.get("dayparts") or {}),
        starts_on=starts_on,
        status="active",
        created_by_id=planner.id,
        locations=_locations(session, planner, data["location_ids"]),
        auditors=_auditors(session, data.get("auditor_ids") or []),
    )
    session.add(schedule)
    session.flush()
    audit_log.record(session, planner, "schedule.create", "schedule", schedule.id)
    return schedule


def visible_schedules(user: User):
    """Schedules a user may see: admins all, managers those with a store of their regions."""
    access.require_role(user, "admin", "manager")
    stmt = select(Schedule).options(
        selectinload(Schedule.locations), selectinload(Schedule.auditors)
    )
    if user.role == "manager":
        mine = select(Location.id).where(Location.region_id.in_(access.managed_region_ids(user)))
        linked = Schedule.locations.any(Location.id.in_(mine))
        stmt = stmt.where(linked)
    return stmt.order_by(Schedule.id.desc())


def get_schedule_for(session: Session, user: User, schedule_id: int, lock: bool = False):
    """One schedule in the user's scope, or 404."""
    stmt = visible_schedules(user).where(Schedule.id == schedule_id)
    schedule = session.scalar(stmt.with_for_update(of=Schedule) if lock else stmt)
    if schedule is None:
        raise NotFound(f"Schedule {schedule_id} not found.")
    return schedule


def update(session: Session, planner: User, schedule: Schedule, changes: Mapping) -> Schedule:
    """Change stores, auditors, shares or gap; visits not yet started are planned again."""
    if schedule.status == "ended":
        raise Conflict("This schedule has ended; create a new one.")
    _check_rhythm(schedule.every_days, changes.get("min_gap_days", schedule.min_gap_days))
    if "location_ids" in changes:
        schedule.locations = _locations(session, planner, changes["location_ids"])
    if "auditor_ids" in changes:
        schedule.auditors = _auditors(session, changes["auditor_ids"])
    if "dayparts" in changes:
        schedule.dayparts = _check_shares(changes["dayparts"])
    if "min_gap_days" in changes:
        schedule.min_gap_days = changes["min_gap_days"]
    session.flush()
    withdraw_unstarted(session, schedule)
    audit_log.record(
        session, planner, "schedule.update", "schedule", schedule.id, fields=sorted(changes)
    )
    return schedule


def set_status(session: Session, planner: User, schedule: Schedule, status: str) -> Schedule:
    """Pause, resume or end: pausing and ending withdraw the visits not yet started."""
    if schedule.status == "ended":
        raise Conflict("This schedule has ended; create a new one.")
    if status != "active":
        withdraw_unstarted(session, schedule)
    schedule.status = status
    audit_log.record(session, planner, f"schedule.{status}", "schedule", schedule.id)
    return schedule


def withdraw_unstarted(session: Session, schedule: Schedule) -> int:
    """Cancel the schedule's open visits no audit has begun, freeing their place in the plan."""
    started = exists().where(Audit.assignment_id == Assignment.id)
    stmt = select(Assignment).where(
        Assignment.schedule_id == schedule.id, Assignment.status == "open", ~started
    )
    withdrawn = list(session.scalars(stmt))
    for assignment in withdrawn:
        assignment.status, assignment.occurrence = "cancelled", None
    session.flush()
    return len(withdrawn)


def programme_for(session: Session, schedule: Schedule, until: date) -> Programme:
    """The planner's view of a schedule: its active stores, its active auditors and days off."""
    auditors = [user for user in schedule.auditors if user.active and user.role == "auditor"]
    away = days_off(session, [user.id for user in auditors], schedule.starts_on, until)
    return Programme(
        starts_on=schedule.starts_on,
        every_days=schedule.every_days,
        min_gap_days=schedule.min_gap_days,
        dayparts=dict(schedule.dayparts or {}),
        sites=tuple(
            Site(location.id, location.timezone or "UTC", location.opening_hours)
            for location in schedule.locations
            if location.active
        ),
        people=tuple(Person(user.id, frozenset(away.get(user.id, ()))) for user in auditors),
        checklist_id=schedule.checklist_id,
    )


def _local_day(assignment: Assignment) -> date:
    return assignment.due_from.astimezone(ZoneInfo(assignment.location.timezone or "UTC")).date()


def _as_visit(assignment: Assignment) -> Visit:
    return Visit(
        location_id=assignment.location_id,
        occurrence=assignment.occurrence or 0,
        day=_local_day(assignment),
        daypart=assignment.daypart or "morning",
        auditor_id=assignment.auditor_id,
        due_from=assignment.due_from,
        due_to=assignment.due_to,
        window=label(
            assignment.daypart,
            assignment.due_from,
            assignment.due_to,
            assignment.location.timezone or "UTC",
        )
        or "",
    )


def _existing(session: Session, schedule: Schedule, auditor_ids: list[int]):
    """This schedule's live visits (kept fixed) and the auditors' visits of other schedules."""
    own = (
        select(Assignment)
        .options(joinedload(Assignment.location))
        .where(
            Assignment.schedule_id == schedule.id,
            Assignment.occurrence.is_not(None),
            Assignment.status != "cancelled",
        )
    )
    others = (
        select(Assignment)
        .options(joinedload(Assignment.location))
        .where(
            Assignment.auditor_id.in_(auditor_ids),
            Assignment.schedule_id.is_not(None),
            Assignment.schedule_id != schedule.id,
            Assignment.status == "open",
            Assignment.daypart.in_(DAYPARTS),
        )
    )
    fixed = {(a.location_id, a.occurrence): _as_visit(a) for a in session.scalars(own)}
    busy = {(a.auditor_id, _local_day(a), a.daypart) for a in session.scalars(others)}
    return fixed, busy


def planned(session: Session, schedule: Schedule, until: date) -> Plan:
    """The schedule's plan from its start through `until`, its created visits kept as they are."""
    programme = programme_for(session, schedule, horizon_for_schedule(schedule, until))
    fixed, busy = _existing(session, schedule, [person.id for person in programme.people])
    return plan(programme, until, fixed=fixed, busy=busy)


def horizon_for_schedule(schedule: Schedule, until: date) -> date:
    return horizon_for(Programme(schedule.starts_on, schedule.every_days, 0, {}, (), ()), until)


def preview(session: Session, schedule: Schedule, weeks: int, today: date) -> dict[str, Any]:
    """The next `weeks` of visits from today (or the start) and the rules that give way."""
    first = max(schedule.starts_on, today)
    last = first + timedelta(days=7 * weeks - 1)
    result = planned(session, schedule, last)
    return {
        "items": [
            visit.as_item(schedule.checklist_id) for visit in result.visits if visit.day >= first
        ],
        "warnings": [warning.as_item() for warning in result.warnings],
        "from": first,
        "to": last,
    }


def materialise(session: Session, schedule: Schedule, today: date) -> list[Assignment]:
    """Create the schedule's visits due in the next four weeks that do not exist yet.

    A visit already created is kept as it is (the plan keeps it fixed), and one another run
    created meanwhile is skipped by the insert itself (the unique key on schedule, location and
    occurrence), so running twice creates nothing twice and a run that died halfway is finished
    by the next.
    """
    if schedule.status != "active":
        return []
    result = planned(session, schedule, today + timedelta(days=AHEAD_DAYS))
    created = []
    for visit in result.visits:
        if visit.day < today or visit.due_to <= utcnow():
            continue
        assignment = _insert(session, schedule, visit)
        if assignment is not None:
            created.append(assignment)
    return created


def _insert(session: Session, schedule: Schedule, visit: Visit) -> Assignment | None:
    """INSERT … ON CONFLICT DO NOTHING on (schedule, location, occurrence): a visit another run
    created meanwhile is left as it is and None answered."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = Assignment.__table__
    stmt = (
        dialect.insert(table)
        .values(
            schedule_id=schedule.id,
            occurrence=visit.occurrence,
            location_id=visit.location_id,
            auditor_id=visit.auditor_id,
            checklist_id=schedule.checklist_id,
            due_from=visit.due_from,
            due_to=visit.due_to,
            daypart=visit.daypart,
            created_by_id=schedule.created_by_id,
        )
        .on_conflict_do_nothing(index_elements=["schedule_id", "location_id", "occurrence"])
        .returning(table.c.id)
    )
    new_id = session.execute(stmt).scalar()
    if new_id is None:
        return None
    if visit.auditor_id is not None:
        publish("assignment.created", assignment_id=new_id)
    return session.get(Assignment, new_id)


def active_schedule_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Schedule.id).where(Schedule.status == "active")))
