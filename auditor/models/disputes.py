"""Disputes (DESIGN §10.4): a store's lead or a manager of its region disputes one question's
result of an approved audit; an admin upholds (correcting the answer) or rejects it."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.audits import Audit, Photo
from auditor.models.base import Base, JSONType, utcnow
from auditor.models.users import User

DISPUTE_STATUSES = ("open", "upheld", "rejected")
OPEN = text("status = 'open'")


class Dispute(Base):
    __tablename__ = "disputes"
    __table_args__ = (
        # one open dispute per question of an audit, whoever races to open it (both databases
        # take a partial unique index)
        Index(
            "uq_disputes_open_question",
            "audit_id",
            "question_key",
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        ),
        # listings by status, newest first
        Index("ix_disputes_status_opened", "status", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    photo_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("photos.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # what an upheld dispute applied to the answer (None when rejected or open)
    value: Mapped[Any | None] = mapped_column(JSONType)
    na: Mapped[bool | None]

    audit: Mapped[Audit] = relationship()
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    photo: Mapped[Photo | None] = relationship()
