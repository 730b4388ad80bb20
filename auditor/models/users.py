"""Accounts and API tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from auditor.models.base import Base, utcnow
from auditor.models.org import Location, Region, region_managers

ROLES = ("admin", "manager", "auditor", "staff")


class User(UserMixin, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    # a staff member who is their store's lead: sees its approved audits and may dispute them
    lead: Mapped[bool] = mapped_column(default=False, server_default=false())
    # bumped by logout, deactivation, role or password change: older session cookies stop working
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location | None] = relationship()
    regions: Mapped[list[Region]] = relationship(
        secondary=region_managers, back_populates="managers", order_by=Region.name
    )

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        # one spelling per address, whoever writes it: uniqueness is case-insensitive
        return email.strip().lower()

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The session identity: id and session version, so a bump ends old cookies."""
        return f"{self.id}:{self.session_version}"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # the user's session_version when a page session minted it (POST /auth/session-token);
    # None for a password login. Logging out of the pages ends it with the session.
    session_version: Mapped[int | None]

    user: Mapped[User] = relationship()
