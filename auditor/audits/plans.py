"""Planning many visits at once: one checklist, several stores, one auditor or a rotation."""

from collections.abc import Sequence
from datetime import datetime
from itertools import cycle

from sqlalchemy.orm import Session

from auditor.audits import assignments
from auditor.core.errors import Invalid
from auditor.models import Assignment, User


def pairs(location_ids: Sequence[int], auditor_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(location, auditor) pairs: auditors taken in turn over the locations (round robin)."""
    if not location_ids:
        raise Invalid({"location_ids": ["Pick at least one location."]})
    if not auditor_ids:
        raise Invalid({"auditor_ids": ["Pick at least one auditor."]})
    return list(zip(location_ids, cycle(auditor_ids), strict=False))


def plan(
    session: Session,
    planner: User,
    checklist_id: int,
    location_ids: Sequence[int],
    auditor_ids: Sequence[int],
    due: tuple[datetime, datetime],
) -> list[Assignment]:
    """Create one assignment per location; any invalid one refuses them all (no commit here)."""
    return [
        assignments.create(
            session,
            planner,
            {
                "location_id": location_id,
                "auditor_id": auditor_id,
                "checklist_id": checklist_id,
                "due_from": due[0],
                "due_to": due[1],
            },
        )
        for location_id, auditor_id in pairs(list(dict.fromkeys(location_ids)), auditor_ids)
    ]
