"""Webhooks and their deliveries (DESIGN §10.7): where events are announced, and each
announcement's body, attempts and outcome, kept so that a restart loses none."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from auditor.models.base import Base, JSONType, utcnow

PENDING_ONLY = text("delivered_at IS NULL AND next_attempt_at IS NOT NULL")


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSONType)
    # write-only: signs each body, never shown again
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one webhook: the body as it was when the event happened, sent until a
    2xx answer or the last attempt; `next_attempt_at` null means done (delivered or failed)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),
        # the sweep reads the due ones only
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            sqlite_where=PENDING_ONLY,
            postgresql_where=PENDING_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(36))  # the body's "id": one per event
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # the exact body, signed and sent each attempt
    attempts: Mapped[int] = mapped_column(default=0)
    status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]

    @property
    def status(self) -> str:
        """delivered, pending (an attempt is due or under way) or failed (attempts used up)."""
        if self.delivered_at is not None:
            return "delivered"
        return "pending" if self.next_attempt_at is not None else "failed"
