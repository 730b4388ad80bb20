"""Corrective actions raised from approved audits (one open per store and question or
section, with the audits that failed it, comments and reminders sent), and the audit log."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.audits import Audit, Photo
from auditor.models.base import Base, utcnow
from auditor.models.org import Location
from auditor.models.users import User

ACTION_STATUSES = ("open", "done")
ACTION_PRIORITIES = ("high", "normal", "low")
OPEN_ONLY = text("status = 'open'")

# every approved audit that failed what an action follows up: the one that opened it and the
# repeats that joined it while it was open
audit_actions = Table(
    "audit_actions",
    Base.metadata,
    Column("action_id", ForeignKey("corrective_actions.id", ondelete="CASCADE"), primary_key=True),
    Column("audit_id", ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def action_subject(section_key: str | None, question_key: str | None) -> str:
    """What an action follows up at its store: a question, or a section as a whole."""
    return question_key if question_key else f"section:{section_key or ''}"


def _subject_of_row(context) -> str:
    row = context.get_current_parameters()
    return action_subject(row.get("section_key"), row.get("question_key"))


class CorrectiveAction(Base):
    __tablename__ = "corrective_actions"
    __table_args__ = (
        Index("ix_corrective_actions_location_status", "location_id", "status"),
        # one open action per store and question or section, whoever approves concurrently
        Index(
            "ux_corrective_actions_open_subject",
            "location_id",
            "subject",
            unique=True,
            sqlite_where=OPEN_ONLY,
            postgresql_where=OPEN_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    audit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id"), index=True)
    section_key: Mapped[str | None] = mapped_column(String(64))
    question_key: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(80), default=_subject_of_row)
    reason: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[str] = mapped_column(String(16), default="normal", server_default="normal")
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_photo_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("photos.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    # reminders to the owner, each sent once (DESIGN §10.7); moving the due date clears them
    due_soon_sent_at: Mapped[datetime | None]
    overdue_sent_at: Mapped[datetime | None]

    location: Mapped[Location] = relationship()
    audit: Mapped[Audit] = relationship()
    owner: Mapped[User | None] = relationship()
    evidence_photo: Mapped[Photo | None] = relationship()
    audits: Mapped[list[Audit]] = relationship(
        secondary=audit_actions, order_by=Audit.finished_at, viewonly=True
    )
    comments: Mapped[list["ActionComment"]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by="ActionComment.created_at, ActionComment.id",
    )


class ActionComment(Base):
    """A remark on a corrective action by whoever follows it up."""

    __tablename__ = "action_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    action: Mapped[CorrectiveAction] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


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
