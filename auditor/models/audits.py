"""Planned visits, audits and what an audit holds: answers, section scores, staff, photos."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.base import Base, JSONType, utcnow
from auditor.models.checklists import Checklist
from auditor.models.org import Location
from auditor.models.users import User

ASSIGNMENT_STATUSES = ("open", "done", "cancelled")
AUDIT_STATUSES = ("draft", "submitted", "returned", "approved", "rejected")


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_auditor_status", "auditor_id", "status"),
        # a schedule's visit is created once, whoever runs the daily job and however often
        UniqueConstraint("schedule_id", "location_id", "occurrence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    # None: an open visit of a schedule that auditors may claim (DESIGN §10.8)
    auditor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    due_from: Mapped[datetime]
    due_to: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # planned by a schedule (DESIGN §10.8): which one, the visit's place in its recurrence at
    # the location, and its daypart (morning, afternoon, evening)
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedules.id", ondelete="SET NULL"), index=True
    )
    occurrence: Mapped[int | None]
    daypart: Mapped[str | None] = mapped_column(String(16))
    # when its auditor was reminded the day before (DESIGN §10.8); None: not yet
    reminded_at: Mapped[datetime | None]

    location: Mapped[Location] = relationship()
    auditor: Mapped[User | None] = relationship(foreign_keys=[auditor_id])
    checklist: Mapped[Checklist] = relationship()


audit_staff = Table(
    "audit_staff",
    Base.metadata,
    Column("audit_id", ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    # scorecards look audits up by staff member
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Audit(Base):
    __tablename__ = "audits"
    __table_args__ = (
        # rankings and scorecards read approved audits of one checklist in a finished_at
        # window, per location; with the checklist and the score in the index, both the
        # per-location and the whole-window scans are index-only
        Index(
            "ix_audits_ranking_by_location",
            "status",
            "location_id",
            "finished_at",
            "checklist_id",
            "score_overall",
        ),
        Index(
            "ix_audits_ranking_by_window",
            "status",
            "finished_at",
            "checklist_id",
            "location_id",
            "score_overall",
        ),
        Index("ix_audits_auditor_status", "auditor_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # client-generated
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the latest review (DESIGN §10.2): approve, return or reject, its note and, for a return,
    # a note per question key that the auditor sees beside the question
    review_decision: Mapped[str | None] = mapped_column(String(16))
    review_note: Mapped[str] = mapped_column(Text, default="")
    review_questions: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    geo_lat: Mapped[float | None]
    geo_lon: Mapped[float | None]
    geo_accuracy: Mapped[float | None]
    # metres between the start position and the location; far_from_location when > 300
    distance_m: Mapped[float | None]
    far_from_location: Mapped[bool] = mapped_column(default=False)
    staff_names: Mapped[list[str]] = mapped_column(JSONType, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    score_overall: Mapped[float | None]
    critical_failed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    auditor: Mapped[User] = relationship(foreign_keys=[auditor_id])
    location: Mapped[Location] = relationship()
    checklist: Mapped[Checklist] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    staff: Mapped[list[User]] = relationship(secondary=audit_staff, order_by=User.id)
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="Answer.id"
    )
    section_scores: Mapped[list["AuditSectionScore"]] = relationship(
        back_populates="audit", cascade="all, delete-orphan"
    )
    photos: Mapped[list["Photo"]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="Photo.created_at"
    )
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    revisions: Mapped[list["AuditRevision"]] = relationship(  # noqa: F821
        cascade="all, delete-orphan", order_by="AuditRevision.number"
    )
    signals: Mapped[list["AuditSignal"]] = relationship(  # noqa: F821
        cascade="all, delete-orphan", order_by="(AuditSignal.code, AuditSignal.id)"
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("audit_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(64), index=True)
    value: Mapped[Any | None] = mapped_column(JSONType)
    na: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    earned: Mapped[float | None]
    possible: Mapped[float | None]

    audit: Mapped[Audit] = relationship(back_populates="answers")


class AuditSectionScore(Base):
    """One row per section of an audit, so section rankings aggregate in SQL."""

    __tablename__ = "audit_section_scores"

    audit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    section_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[float | None]

    audit: Mapped[Audit] = relationship(back_populates="section_scores")


class Photo(Base):
    __tablename__ = "photos"
    # each quarter's index carries the hash and the audit, so photo_reused reads candidates
    # from the indexes alone (migration 0006; at 1M photos a table read per candidate cost more
    # than the 50 ms a check may take)
    __table_args__ = tuple(
        Index(f"ix_photos_phash_q{i}", f"phash_q{i}", "phash", "audit_id") for i in range(4)
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # client-generated
    audit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str | None] = mapped_column(String(64))
    # sha-256 of the uploaded bytes (idempotency) and of the stored display image (content address)
    upload_hash: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int]
    height: Mapped[int]
    bytes: Mapped[int]
    taken_at: Mapped[datetime | None]
    gps_lat: Mapped[float | None]  # from EXIF, never served
    gps_lon: Mapped[float | None]
    # 64-bit perceptual hash (signed, as databases store 64 bits) and its four 16-bit quarters:
    # two hashes within Hamming distance 6 share at least one quarter exactly, so `photo_reused`
    # looks up candidates by quarter through an index instead of scanning every photo
    phash: Mapped[int | None] = mapped_column(BigInteger)
    phash_q0: Mapped[int | None]
    phash_q1: Mapped[int | None]
    phash_q2: Mapped[int | None]
    phash_q3: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    audit: Mapped[Audit] = relationship(back_populates="photos")
