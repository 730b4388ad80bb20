"""Corrective actions raised from approved audits, and the audit log."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.audits import Audit, Photo
from auditor.models.base import Base, utcnow
from auditor.models.org import Location
from auditor.models.users import User

ACTION_STATUSES = ("open", "done")


class CorrectiveAction(Base):
    __tablename__ = "corrective_actions"
    __table_args__ = (Index("ix_corrective_actions_location_status", "location_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    audit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id"), index=True)
    section_key: Mapped[str | None] = mapped_column(String(64))
    question_key: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_photo_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("photos.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    location: Mapped[Location] = relationship()
    audit: Mapped[Audit] = relationship()
    owner: Mapped[User | None] = relationship()
    evidence_photo: Mapped[Photo | None] = relationship()


class AuditLogEntry(Base):
    """Who did what to which object, when: an append-only trail."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    actor: Mapped[User | None] = relationship()
