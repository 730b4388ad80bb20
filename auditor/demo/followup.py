"""Six months of follow-up on the demo's corrective actions: the actions the demo approvals
raised are raised again in the order the visits were approved (a repeat joins the store's open
action), dated from their approval, and most are resolved within a few weeks of falling due, so
the demo ends with tens of open actions spread over the coming and past weeks, not hundreds all
due the same day."""

import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from auditor.audits import actions
from auditor.audits.answers import scoring_answers
from auditor.checklists import scoring
from auditor.models import Audit, CorrectiveAction, audit_actions

RESOLVED_SHARE = 0.85  # of actions past due at a store's next approval
LATE_RESOLVED_SHARE = 0.6  # of actions still open three weeks past due at the end
NOTES = (
    "Briefed the team at the morning meeting.",
    "Music volume capped on the store system.",
    "Rota changed: someone at the door at opening.",
    "Aisles cleared; stock moved to the back room.",
    "Product training booked and held.",
    "Walked the floor with the team; checked again a week later.",
)


def replay(session: Session, rng: random.Random, definition: Mapping, now: datetime) -> None:
    """Raise the approved demo audits' actions again in approval order, with follow-up."""
    session.flush()
    session.execute(delete(audit_actions))
    session.execute(delete(CorrectiveAction))
    stmt = (
        select(Audit)
        .where(Audit.status == "approved")
        .options(selectinload(Audit.answers))
        .order_by(Audit.reviewed_at, Audit.id)
    )
    for audit in session.scalars(stmt):
        _follow_up(session, rng, audit.location_id, audit.reviewed_at, RESOLVED_SHARE)
        result = scoring.score_audit(definition, scoring_answers(audit))
        for action in actions.raise_for(session, audit, definition, result):
            action.created_at = audit.reviewed_at
        session.flush()
    _follow_up(session, rng, None, now - timedelta(days=21), LATE_RESOLVED_SHARE)
    session.flush()


def _follow_up(
    session: Session,
    rng: random.Random,
    location_id: int | None,
    when: datetime,
    share: float,
) -> None:
    """Resolve a share of the open actions (of one store, or all) that were due before `when`,
    each a few days either side of its due date and never after `when`."""
    stmt = select(CorrectiveAction).where(
        CorrectiveAction.status == "open", CorrectiveAction.due < when.date()
    )
    if location_id is not None:
        stmt = stmt.where(CorrectiveAction.location_id == location_id)
    for action in session.scalars(stmt.order_by(CorrectiveAction.id)):
        if rng.random() >= share:
            continue
        due = datetime.combine(action.due, when.timetz())
        resolved = min(when, due + timedelta(days=rng.uniform(-5, 10)))
        action.status, action.note = "done", rng.choice(NOTES)
        action.resolved_at = max(resolved, action.created_at + timedelta(hours=1))
