"""Regions and locations (stores)."""

from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.base import Base, JSONType

region_managers = Table(
    "region_managers",
    Base.metadata,
    Column("region_id", ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    locations: Mapped[list["Location"]] = relationship(back_populates="region")
    managers: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary=region_managers, back_populates="regions"
    )


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    # {"mon": ["09:00", "20:00"], ...} in local time; a weekday left out is closed
    opening_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    region: Mapped[Region] = relationship(back_populates="locations")
