"""Schedules of recurring visits (DESIGN §10.8) and the days auditors declare themselves away."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.base import Base, JSONType, utcnow
from auditor.models.checklists import Checklist
from auditor.models.org import Location
from auditor.models.users import User

SCHEDULE_STATUSES = ("active", "paused", "ended")

schedule_locations = Table(
    "schedule_locations",
    Base.metadata,
    Column("schedule_id", ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True),
)

schedule_auditors = Table(
    "schedule_auditors",
    Base.metadata,
    Column("schedule_id", ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    every_days: Mapped[int]
    min_gap_days: Mapped[int]
    # minimum shares of visits, e.g. {"morning": 0.3, "weekend": 0.2}
    dayparts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    starts_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    checklist: Mapped[Checklist] = relationship()
    locations: Mapped[list[Location]] = relationship(
        secondary=schedule_locations, order_by=Location.id
    )
    auditors: Mapped[list[User]] = relationship(secondary=schedule_auditors, order_by=User.id)

    @property
    def location_ids(self) -> list[int]:
        return [location.id for location in self.locations]

    @property
    def auditor_ids(self) -> list[int]:
        return [user.id for user in self.auditors]


class Unavailability(Base):
    """A day an auditor has said they cannot visit (their local day)."""

    __tablename__ = "unavailability"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
