"""Planned visits: a location, an auditor, a checklist and a due window; planning them,
changing them, and listing them."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session, joinedload

from auditor import access
from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid, NotFound
from auditor.models import Assignment, Checklist, User
from auditor.notify.events import publish


def _published(session: Session, checklist_id: int) -> Checklist:
    checklist = session.get(Checklist, checklist_id)
    if checklist is None or checklist.status != "published":
        raise Invalid({"checklist_id": [f"Unknown published checklist {checklist_id}."]})
    return checklist


def _auditor(session: Session, auditor_id: int) -> User:
    auditor = session.get(User, auditor_id)
    if auditor is None or auditor.role != "auditor" or not auditor.active:
        raise Invalid({"auditor_id": [f"User {auditor_id} is not an active auditor."]})
    return auditor


def create(session: Session, planner: User, data: Mapping[str, Any]) -> Assignment:
    """Plan a visit at a location in the planner's scope."""
    access.require_role(planner, "admin", "manager")
    try:
        location = access.get_location_for(session, planner, data["location_id"])
    except NotFound as error:
        raise Invalid({"location_id": [f"Unknown location {data['location_id']}."]}) from error
    if not location.active:
        raise Invalid({"location_id": [f"Location {location.code} is not active."]})
    _auditor(session, data["auditor_id"])
    _published(session, data["checklist_id"])
    if data["due_to"] <= data["due_from"]:
        raise Invalid({"due_to": ["Must be after due_from."]})
    assignment = Assignment(created_by_id=planner.id, **data)
    session.add(assignment)
    session.flush()
    audit_log.record(
        session,
        planner,
        "assignment.create",
        "assignment",
        assignment.id,
        location_id=location.id,
        auditor_id=data["auditor_id"],
    )
    publish("assignment.created", assignment_id=assignment.id)
    return assignment


def update(session: Session, planner: User, assignment: Assignment, changes: Mapping) -> Assignment:
    """Reschedule, reassign or cancel a planned visit; a done or cancelled one stays as it is."""
    if assignment.status != "open":
        raise Conflict(f"This visit is {assignment.status}; only open visits can be changed.")
    if "auditor_id" in changes:
        _auditor(session, changes["auditor_id"])
    due_from = changes.get("due_from", assignment.due_from)
    if changes.get("due_to", assignment.due_to) <= due_from:
        raise Invalid({"due_to": ["Must be after due_from."]})
    for field, value in changes.items():
        setattr(assignment, field, value)
    audit_log.record(
        session, planner, "assignment.update", "assignment", assignment.id, fields=sorted(changes)
    )
    return assignment


def _filtered(
    stmt: Select, status: str | None, auditor_id: int | None, location_id: int | None
) -> Select:
    wanted = {"status": status, "auditor_id": auditor_id, "location_id": location_id}
    for field, value in wanted.items():
        if value is not None:
            stmt = stmt.where(getattr(Assignment, field) == value)
    return stmt


def due_listing(
    user: User,
    *,
    status: str | None = None,
    auditor_id: int | None = None,
    location_id: int | None = None,
) -> Select:
    """Planned visits in the user's scope (auditors: their own), soonest due first, with their
    location, of one status, auditor and location if given."""
    stmt = access.visible_assignments(user).options(joinedload(Assignment.location))
    stmt = _filtered(stmt, status, auditor_id, location_id)
    return stmt.order_by(Assignment.due_to, Assignment.id)


def plan_listing(
    user: User,
    *,
    status: str | None = None,
    auditor_id: int | None = None,
    location_id: int | None = None,
) -> Select:
    """Planned visits in the user's scope, newest first, with location, auditor and checklist
    loaded, of one status, auditor and location if given."""
    stmt = access.visible_assignments(user).options(
        joinedload(Assignment.location),
        joinedload(Assignment.auditor),
        joinedload(Assignment.checklist),
    )
    stmt = _filtered(stmt, status, auditor_id, location_id)
    return stmt.order_by(Assignment.created_at.desc(), Assignment.id.desc())


def plannable_checklists(session: Session, user: User) -> list[Checklist]:
    """The published checklist versions a visit may be planned with, by key and version."""
    stmt = access.visible_checklists(user).where(Checklist.status == "published")
    return list(session.scalars(stmt))
