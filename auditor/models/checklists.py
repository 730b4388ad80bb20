"""Versioned checklists: a version owns its sections, a section its questions."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.base import Base, utcnow

CHECKLIST_STATUSES = ("draft", "published")


class Checklist(Base):
    __tablename__ = "checklists"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    follow_up_days: Mapped[int] = mapped_column(default=14)
    action_threshold: Mapped[float] = mapped_column(default=60.0)
    # an approval below it (or with a critical failure) alerts the region's managers (§10.7)
    alert_threshold: Mapped[float] = mapped_column(default=60.0, server_default="60")
    action_due_days: Mapped[int] = mapped_column(default=14, server_default="14")
    min_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    sections: Mapped[list["ChecklistSection"]] = relationship(
        back_populates="checklist",
        order_by="ChecklistSection.position",
        cascade="all, delete-orphan",
    )


class ChecklistSection(Base):
    __tablename__ = "checklist_sections"
    __table_args__ = (UniqueConstraint("checklist_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(default=1.0)
    phase: Mapped[str] = mapped_column(String(16), default="visit")

    checklist: Mapped[Checklist] = relationship(back_populates="sections")
    questions: Mapped[list["ChecklistQuestion"]] = relationship(
        back_populates="section",
        order_by="ChecklistQuestion.position",
        cascade="all, delete-orphan",
    )


class ChecklistQuestion(Base):
    __tablename__ = "checklist_questions"
    # question keys are unique in the whole version: answers are keyed by them
    __table_args__ = (UniqueConstraint("checklist_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_sections.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(16))
    weight: Mapped[float] = mapped_column(default=1.0)
    critical: Mapped[bool] = mapped_column(default=False)
    allow_na: Mapped[bool] = mapped_column(default=False)
    photo: Mapped[str] = mapped_column(String(16), default="none")
    show_if: Mapped[dict[str, Any] | None]
    # the type's own settings: pass_on; min/max; options; unit/bands
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)

    section: Mapped[ChecklistSection] = relationship(back_populates="questions")
    checklist: Mapped[Checklist] = relationship()
