"""Approved audits written straight into the database, for rankings and scorecards."""

import uuid
from datetime import timedelta

from auditor.core.extensions import db
from auditor.models import Audit, AuditSectionScore, User, utcnow


def approved(
    store,
    location_id: int,
    score: float,
    days_ago: float,
    *,
    sections=None,
    staff: list[User] = (),
    auditor_id: int,
    checklist_id: int | None = None,
) -> Audit:
    """One approved audit finished `days_ago` days ago with the given scores."""
    finished = utcnow() - timedelta(days=days_ago)
    audit = Audit(
        id=uuid.uuid4(),
        auditor_id=auditor_id,
        location_id=location_id,
        checklist_id=checklist_id or store.checklist_id,
        status="approved",
        started_at=finished - timedelta(minutes=20),
        finished_at=finished,
        submitted_at=finished,
        reviewed_at=finished,
        score_overall=score,
        staff=list(staff),
        staff_names=[],
    )
    for key, value in (sections or {}).items():
        audit.section_scores.append(AuditSectionScore(section_key=key, score=value))
    db.session.add(audit)
    db.session.commit()
    return audit
