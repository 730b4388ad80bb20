"""Visits that met a change on the way: a store closed, or a planned visit cancelled, while the
visit waited on the phone to be sent (issue 11). The visit happened, so the server takes it
when it was started before the change; when the change happened is read from the audit log,
the one record of it, and a change whose time is unknown keeps the old refusal."""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.core.errors import Invalid
from auditor.models import Assignment, AuditLogEntry, Location


def changed_at(session: Session, object_type: str, object_id: int, field: str) -> datetime | None:
    """When `field` of one object last changed (its creation counts); None when unlogged."""
    entries = session.scalars(
        select(AuditLogEntry)
        .where(AuditLogEntry.object_type == object_type, AuditLogEntry.object_id == str(object_id))
        .order_by(AuditLogEntry.at.desc(), AuditLogEntry.id.desc())
    )
    for entry in entries:
        if entry.action.endswith(".create") or field in (entry.detail or {}).get("fields", ()):
            return entry.at
    return None


def _before(started: datetime | None, change: datetime | None) -> bool:
    return started is not None and change is not None and started < change


def check_location(session: Session, location: Location, data: Mapping) -> None:
    """An inactive store takes only a visit started before it was closed."""
    if location.active:
        return
    closed = changed_at(session, "location", location.id, "active")
    if not _before(data.get("started_at"), closed):
        raise Invalid({"location_id": [f"Location {location.code} is not active."]})


def cancelled_before_start(session: Session, assignment: Assignment, data: Mapping) -> bool:
    """Whether a cancelled planned visit was cancelled before this visit started (refused);
    a visit started before the cancellation is taken as an unplanned one."""
    cancelled = changed_at(session, "assignment", assignment.id, "status")
    return not _before(data.get("started_at"), cancelled)
