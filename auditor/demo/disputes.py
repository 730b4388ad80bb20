"""Demo disputes (DESIGN §10.4): on the latest approved audits of stores with a lead, one open,
one upheld (the answer corrected, the audit rescored) and one rejected, each opened by the
store's lead the day after the approval and settled by the admin, through the real domain."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.disputes import opening, settle
from auditor.models import Audit, User

# (question, comment, decision, what an uphold applies, note)
CASES = (
    ("greet_seconds", "We greeted them at the door: the camera shows 10 seconds.", None, {}, ""),
    ("music_db", "Our meter read 62 dB at that hour.", "uphold", {"value": 62}, "Agreed."),
    ("tidy", "The boxes were a delivery being shelved.", "reject", {}, "The photo shows them."),
)


def seed_disputes(session: Session, now: datetime) -> int:
    """Open and settle the demo disputes; answers how many were made."""
    admin = session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    leads = {
        user.location_id: user
        for user in session.scalars(select(User).where(User.role == "staff", User.lead))
    }
    stmt = (
        select(Audit)
        .where(
            Audit.status == "approved", Audit.location_id.in_(list(leads)), Audit.reviewed_at < now
        )
        .order_by(Audit.reviewed_at.desc(), Audit.id)
        .limit(len(CASES))
    )
    made = 0
    for audit, (question, comment, decision, answer, note) in zip(
        session.scalars(stmt), CASES, strict=False
    ):
        opened_at = min(audit.reviewed_at + timedelta(days=1), now)
        dispute = opening.open_dispute(
            session, leads[audit.location_id], audit, question, comment, opened_at
        )
        if decision and admin is not None:
            settle.decide(session, admin, dispute, decision, note, answer)
        made += 1
    session.flush()
    return made
