"""The append-only trail of who did what to which audit, checklist or user."""

from typing import Any

from sqlalchemy.orm import Session

from auditor.models import AuditLogEntry, User


def record(
    session: Session, actor: User | None, action: str, obj_type: str, obj_id: Any, **detail: Any
) -> AuditLogEntry:
    """Add one log entry to the session (committed with the change it describes)."""
    entry = AuditLogEntry(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        detail=detail,
    )
    session.add(entry)
    return entry
