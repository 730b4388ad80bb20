"""Who wants which emails: each kind can be turned off, and managers may take one daily digest
instead of a mail per audit (DESIGN §10.7)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditor.models.base import Base
from auditor.models.users import User

# the kinds of email, in the order the preferences page lists them
EMAIL_KINDS = (
    "audit_alert",
    "audit_returned",
    "assignment_created",
    "visit_tomorrow",
    "action_opened",
    "action_due_soon",
    "action_overdue",
    "dispute_opened",
    "dispute_settled",
)


class EmailPreference(Base):
    """One user's email settings; a user without a row gets every kind, one mail each."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    off: Mapped[list[str]] = mapped_column(JSON, default=list)  # kinds turned off
    digest: Mapped[bool] = mapped_column(default=False)  # alerts as one daily mail
    digest_sent_at: Mapped[datetime | None]  # the last digest covered alerts up to here

    user: Mapped[User] = relationship()
