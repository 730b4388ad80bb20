"""The one place that decides who may see and do what (DESIGN §1).

Role-wide denials raise Forbidden (403); anything outside one's scope is NotFound (404), so its
existence is not revealed. Listings go through `visible_*` (a scoped SELECT), single objects
through `get_*_for`.
"""

import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from auditor.core.errors import Forbidden, NotFound
from auditor.models import (
    Assignment,
    Audit,
    Checklist,
    CorrectiveAction,
    Location,
    Region,
    User,
    region_managers,
)


def require_role(user: User, *roles: str) -> None:
    """Refuse (403) a user whose role is not among `roles`."""
    if user.role not in roles:
        raise Forbidden(f"This needs the role {' or '.join(roles)}.")


def managed_region_ids(user: User) -> Select:
    """The ids of the regions a manager is assigned to, as a subquery."""
    return select(region_managers.c.region_id).where(region_managers.c.user_id == user.id)


def visible_regions(user: User) -> Select:
    """Regions the user may list: all for admins, their own for managers."""
    require_role(user, "admin", "manager")
    stmt = select(Region).order_by(Region.name)
    if user.role == "manager":
        stmt = stmt.where(Region.id.in_(managed_region_ids(user)))
    return stmt


def visible_locations(user: User) -> Select:
    """Locations the user may list: all for admins, their regions' for managers."""
    require_role(user, "admin", "manager")
    stmt = select(Location).order_by(Location.code)
    if user.role == "manager":
        stmt = stmt.where(Location.region_id.in_(managed_region_ids(user)))
    return stmt


def get_region_for(session: Session, user: User, region_id: int) -> Region:
    """One region in the user's scope, or 404."""
    region = session.scalar(visible_regions(user).where(Region.id == region_id))
    if region is None:
        raise NotFound(f"Region {region_id} not found.")
    return region


def get_location_for(session: Session, user: User, location_id: int) -> Location:
    """One location in the user's scope, or 404."""
    location = session.scalar(visible_locations(user).where(Location.id == location_id))
    if location is None:
        raise NotFound(f"Location {location_id} not found.")
    return location


def visible_checklists(user: User) -> Select:
    """Checklist versions the user may read: admins all, everyone else published ones."""
    stmt = select(Checklist).order_by(Checklist.key, Checklist.version)
    if user.role != "admin":
        stmt = stmt.where(Checklist.status == "published")
    return stmt


def get_checklist_for(session: Session, user: User, checklist_id: int) -> Checklist:
    """One checklist version the user may read, or 404 (drafts are the admins')."""
    checklist = session.scalar(visible_checklists(user).where(Checklist.id == checklist_id))
    if checklist is None:
        raise NotFound(f"Checklist {checklist_id} not found.")
    return checklist


def get_user_for(session: Session, user: User, user_id: int) -> User:
    """One user account for an admin to manage, or 404."""
    require_role(user, "admin")
    target = session.get(User, user_id)
    if target is None:
        raise NotFound(f"User {user_id} not found.")
    return target


def _in_managed_regions(user: User, location_column) -> object:
    return location_column.in_(
        select(Location.id).where(Location.region_id.in_(managed_region_ids(user)))
    )


def visible_audits(user: User) -> Select:
    """Audits the user may see: admins all, managers their regions', auditors their own, a
    store's lead staff member its approved ones (DESIGN §10.4); other staff none (403)."""
    if user.role == "staff" and user.lead and user.location_id is not None:
        return select(Audit).where(
            Audit.location_id == user.location_id, Audit.status == "approved"
        )
    require_role(user, "admin", "manager", "auditor")
    stmt = select(Audit)
    if user.role == "manager":
        stmt = stmt.where(_in_managed_regions(user, Audit.location_id))
    elif user.role == "auditor":
        stmt = stmt.where(Audit.auditor_id == user.id)
    return stmt


def with_audit_details(stmt: Select) -> Select:
    """Everything an audit's page or document shows, in a constant number of queries."""
    return stmt.options(
        joinedload(Audit.location),
        joinedload(Audit.auditor),
        joinedload(Audit.checklist),
        joinedload(Audit.assignment),
        joinedload(Audit.reviewed_by),
        # the one or two staff who served ride on the audit's row; the larger collections
        # come one SELECT each
        joinedload(Audit.staff),
        selectinload(Audit.answers),
        selectinload(Audit.photos),
        selectinload(Audit.section_scores),
        selectinload(Audit.signals),
    )


def find_audit_for(
    session: Session, user: User, audit_id: uuid.UUID, *, lock: bool = False, details: bool = False
) -> Audit | None:
    """One audit in the user's scope, or None: the one door every single-audit load goes through.

    `lock` holds its row until the commit (and reads it afresh); `details` loads what its
    document shows (answers, photos, scores, staff, signals, location, auditor, checklist,
    reviewer) up front.
    """
    stmt = visible_audits(user).where(Audit.id == audit_id)
    if details:
        stmt = with_audit_details(stmt)
    if lock:
        stmt = stmt.with_for_update(of=Audit).execution_options(populate_existing=True)
    return session.scalars(stmt).unique().first()


def get_audit_for(
    session: Session, user: User, audit_id: uuid.UUID, *, lock: bool = False, details: bool = False
) -> Audit:
    """One audit in the user's scope, or 404 (see `find_audit_for`)."""
    audit = find_audit_for(session, user, audit_id, lock=lock, details=details)
    if audit is None:
        raise NotFound(f"Audit {audit_id} not found.")
    return audit


def visible_assignments(user: User) -> Select:
    """Planned visits: admins all, managers their regions', auditors their own."""
    require_role(user, "admin", "manager", "auditor")
    stmt = select(Assignment)
    if user.role == "manager":
        stmt = stmt.where(_in_managed_regions(user, Assignment.location_id))
    elif user.role == "auditor":
        stmt = stmt.where(Assignment.auditor_id == user.id)
    return stmt


def get_assignment_for(
    session: Session, user: User, assignment_id: int, *, lock: bool = False
) -> Assignment:
    """One planned visit in the user's scope, or 404; `lock` holds its row until the commit."""
    stmt = visible_assignments(user).where(Assignment.id == assignment_id)
    assignment = session.scalar(stmt.with_for_update(of=Assignment) if lock else stmt)
    if assignment is None:
        raise NotFound(f"Assignment {assignment_id} not found.")
    return assignment


def visible_actions(user: User) -> Select:
    """Corrective actions: admins all, managers their regions', a store's lead staff member
    their store's (they follow them up from their phone)."""
    if user.role == "staff" and user.lead and user.location_id is not None:
        return select(CorrectiveAction).where(CorrectiveAction.location_id == user.location_id)
    require_role(user, "admin", "manager")
    stmt = select(CorrectiveAction)
    if user.role == "manager":
        stmt = stmt.where(_in_managed_regions(user, CorrectiveAction.location_id))
    return stmt


def get_action_for(session: Session, user: User, action_id: int) -> CorrectiveAction:
    """One corrective action in the user's scope, or 404."""
    action = session.scalar(visible_actions(user).where(CorrectiveAction.id == action_id))
    if action is None:
        raise NotFound(f"Corrective action {action_id} not found.")
    return action


def get_staff_for(session: Session, user: User, staff_id: int) -> User:
    """A staff member whose scorecard the user may see: their own, their managers', admins'."""
    require_role(user, "admin", "manager", "staff")
    staff = session.get(User, staff_id)
    if staff is None or staff.role != "staff":
        raise NotFound(f"Staff member {staff_id} not found.")
    if user.role == "staff" and staff.id != user.id:
        raise NotFound(f"Staff member {staff_id} not found.")
    if user.role == "manager":
        regions = {region.id for region in user.regions}
        if staff.location is None or staff.location.region_id not in regions:
            raise NotFound(f"Staff member {staff_id} not found.")
    return staff


def manager_region_ids(user: User, region_id: int | None) -> list[int] | None:
    """The regions a ranking covers: one asked for (404 outside the user's), else all theirs."""
    require_role(user, "admin", "manager")
    own = None if user.role == "admin" else [region.id for region in user.regions]
    if region_id is None:
        return own
    if own is not None and region_id not in own:
        raise NotFound(f"Region {region_id} not found.")
    return [region_id]


def auditable_locations(user: User) -> Select:
    """Active stores a user may audit or plan for: auditors all, managers their regions', admins
    all; staff never list stores (role-wide 403)."""
    require_role(user, "admin", "manager", "auditor")
    stmt = select(Location).where(Location.active.is_(True)).order_by(Location.code)
    if user.role == "manager":
        stmt = stmt.where(Location.region_id.in_(managed_region_ids(user)))
    return stmt


def get_auditable_location_for(session: Session, user: User, location_id: int) -> Location:
    """One active store the user may audit, or 404."""
    stmt = auditable_locations(user).where(Location.id == location_id)
    location = session.scalar(stmt)
    if location is None:
        raise NotFound(f"Location {location_id} not found.")
    return location


def location_roster(location: Location) -> Select:
    """The active staff of one store, by name: who an auditor may name as having served them."""
    return (
        select(User)
        .where(User.role == "staff", User.active.is_(True), User.location_id == location.id)
        .order_by(User.name, User.id)
    )
