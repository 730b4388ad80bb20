"""Who may open and see disputes, and which audits a lead staff member sees (DESIGN §10.4).

Admins see every dispute and audit; managers those of their regions (through `auditor.access`);
a store's lead staff member their store's approved audits and its disputes; an auditor the
disputes of their own audits (read only). Other staff are refused role-wide (403); anything
outside one's scope answers 404.
"""

import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from auditor import access
from auditor.core.errors import Forbidden, NotFound
from auditor.models import Audit, Dispute, Location, User


def is_lead(user: User) -> bool:
    """A staff member who leads a store."""
    return user.role == "staff" and user.lead and user.location_id is not None


class LeadView:
    """An audit as a store's lead reads it (DESIGN §10.4): other staff members' names hidden
    (`staff` keeps only the lead, `staff_names` none); everything else is the audit's."""

    def __init__(self, audit: Audit, lead: User):
        self._audit = audit
        self.staff = [person for person in audit.staff if person.id == lead.id]
        self.staff_names: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self._audit, name)


def require_opener(user: User) -> None:
    """Refuse (403) anyone who may never open a dispute: auditors and staff who lead no store."""
    if user.role in ("admin", "manager") or is_lead(user):
        return
    raise Forbidden("Disputes are opened by a store's lead staff member or its managers.")


def lead_audits(user: User) -> Select:
    """The approved audits of a lead's store."""
    return select(Audit).where(Audit.location_id == user.location_id, Audit.status == "approved")


def audit_to_dispute(
    session: Session, user: User, audit_id: uuid.UUID, *, lock: bool = False
) -> Audit:
    """An audit the user may dispute (locked when asked), or 403/404."""
    require_opener(user)
    if not is_lead(user):
        return access.get_audit_for(session, user, audit_id, lock=lock, details=True)
    stmt = access.with_audit_details(lead_audits(user).where(Audit.id == audit_id))
    if lock:
        stmt = stmt.with_for_update(of=Audit).execution_options(populate_existing=True)
    audit = session.scalars(stmt).unique().first()
    if audit is None:
        raise NotFound(f"Audit {audit_id} not found.")
    return audit


def visible_disputes(user: User) -> Select:
    """Disputes the user may list, newest first."""
    if user.role == "staff" and not is_lead(user):
        raise Forbidden("Only a store's lead staff member sees its disputes.")
    access.require_role(user, "admin", "manager", "auditor", "staff")
    stmt = select(Dispute).join(Audit, Dispute.audit_id == Audit.id)
    if user.role == "manager":
        regions = access.managed_region_ids(user)
        stmt = stmt.where(
            Audit.location_id.in_(select(Location.id).where(Location.region_id.in_(regions)))
        )
    elif user.role == "auditor":
        stmt = stmt.where(Audit.auditor_id == user.id)
    elif user.role == "staff":
        stmt = stmt.where(Audit.location_id == user.location_id)
    return stmt.order_by(Dispute.opened_at.desc(), Dispute.id.desc())


def with_dispute_details(stmt: Select) -> Select:
    """What a dispute's document shows, loaded with it."""
    return stmt.options(
        joinedload(Dispute.audit).joinedload(Audit.location),
        joinedload(Dispute.photo),
        joinedload(Dispute.opened_by),
        joinedload(Dispute.decided_by),
    )


def get_dispute_for(session: Session, user: User, dispute_id: int) -> Dispute:
    """One dispute in the user's scope, or 404."""
    stmt = with_dispute_details(visible_disputes(user).where(Dispute.id == dispute_id))
    dispute = session.scalars(stmt).unique().first()
    if dispute is None:
        raise NotFound(f"Dispute {dispute_id} not found.")
    return dispute
