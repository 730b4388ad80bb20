"""What makes an audit's numbers defensible (DESIGN §10.1-10.3): its revisions, the
visit-confidence signals computed for it, and the folded texts that `text_copied` compares."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.base import Base, JSONType, utcnow
from auditor.models.users import User

REVISION_KINDS = ("submit", "correction", "dispute")
SIGNAL_CODES = (
    "far_from_location",
    "short_visit",
    "photo_time_outside_visit",
    "photo_reused",
    "text_copied",
    "odd_timestamps",
)


class AuditRevision(Base):
    """One submit, reviewer correction or upheld dispute: the answers it changed."""

    __tablename__ = "audit_revisions"
    __table_args__ = (UniqueConstraint("audit_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # [{"question", "before": {value, na, comment} | None, "after": {...} | None}]
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    by: Mapped[User | None] = relationship()


class AuditSignal(Base):
    """A visit-confidence signal (DESIGN §10.3): flagged, never blocking."""

    __tablename__ = "audit_signals"
    # ?signal=CODE lists audits by code
    __table_args__ = (Index("ix_audit_signals_code_audit", "code", "audit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")


class AuditText(Base):
    """A comment or the notes of an audit, at least 40 characters, by the hash of its folded
    form (lower-cased, whitespace runs made one space, trimmed): `text_copied` looks it up."""

    __tablename__ = "audit_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(64))  # "notes" or the question key
    digest: Mapped[str] = mapped_column(String(64), index=True)
