"""A staff member's scorecard (DESIGN §4): their approved audits beside store and region.

It names no one else: no other staff member, and not the auditor (mystery shoppers stay
anonymous to the staff they visit). A constant number of queries, whatever the data size.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from auditor.insights.breakdowns import month_of
from auditor.insights.queries import Scope, approved_filters
from auditor.models import Audit, AuditSectionScore, User, audit_staff

RECENT = 10


def _mean(session: Session, filters: list) -> tuple[int, float | None]:
    stmt = select(func.count(Audit.score_overall), func.avg(Audit.score_overall))
    n, mean = session.execute(stmt.where(*filters)).one()
    return n, float(mean) if mean is not None else None


def _sections(session: Session, filters: list) -> dict[str, float]:
    stmt = (
        select(AuditSectionScore.section_key, func.avg(AuditSectionScore.score))
        .join(Audit, Audit.id == AuditSectionScore.audit_id)
        .where(*filters, AuditSectionScore.score.is_not(None))
        .group_by(AuditSectionScore.section_key)
        .order_by(AuditSectionScore.section_key)
    )
    return {key: float(value) for key, value in session.execute(stmt)}


def _trend(session: Session, filters: list) -> list[dict]:
    month = month_of(session, Audit.finished_at).label("month")
    stmt = (
        select(month, func.count(Audit.score_overall), func.avg(Audit.score_overall))
        .where(*filters)
        .group_by(month)
        .order_by(month)
    )
    return [{"month": m, "n": n, "score": float(s)} for m, n, s in session.execute(stmt)]


def _recent(session: Session, filters: list) -> list[dict]:
    stmt = (
        select(Audit)
        .where(*filters)
        .options(joinedload(Audit.location), selectinload(Audit.answers))
        .order_by(Audit.finished_at.desc())
        .limit(RECENT)
    )
    return [
        {
            "uuid": str(audit.id),
            "finished_at": audit.finished_at,
            "location": audit.location,
            "score": audit.score_overall,
            "comments": [
                {"question": a.question_key, "comment": a.comment}
                for a in audit.answers
                if a.comment
            ],
        }
        for audit in session.scalars(stmt)
    ]


def scorecard(session: Session, staff: User, checklist_key: str, now: datetime, days: int) -> dict:
    """The scorecard of one staff member over [now - days, now)."""
    start = now - timedelta(days=days)
    window = approved_filters(Scope(None, checklist_key), start, now)
    theirs = [
        *window,
        Audit.id.in_(select(audit_staff.c.audit_id).where(audit_staff.c.user_id == staff.id)),
        Audit.score_overall.is_not(None),
    ]
    n, overall = _mean(session, theirs)
    location = staff.location
    location_mean = region_mean = None
    if location is not None:
        location_mean = _mean(session, [*window, Audit.location_id == location.id])[1]
        in_region = approved_filters(Scope([location.region_id], checklist_key), start, now)
        region_mean = _mean(session, in_region)[1]
    return {
        "staff": {"id": staff.id, "name": staff.name, "location": location},
        "from": start,
        "to": now,
        "n": n,
        "overall": overall,
        "sections": _sections(session, theirs),
        "trend": _trend(session, theirs),
        "recent": _recent(session, theirs),
        "location_mean": location_mean,
        "region_mean": region_mean,
    }
