"""Rankings of locations (DESIGN §4): SQL aggregation plus the pure statistics.

A ranking runs three queries whatever the number of locations: one GROUP BY per window
(current and previous) and one for the locations in scope.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor import statistics
from auditor.models import Audit, AuditSectionScore, Checklist, Location


@dataclass(frozen=True)
class Scope:
    """Which locations, which checklist, which section (None: the overall score)."""

    region_ids: Sequence[int] | None  # None: every region
    checklist_key: str
    section: str | None = None


@dataclass(frozen=True)
class Row:
    location_id: int
    n: int
    total: float
    total_sq: float


def approved_filters(scope: Scope, start: datetime, end: datetime) -> list:
    """Approved audits of the scope's checklist (all versions) finished in [start, end)."""
    filters = [
        Audit.status == "approved",
        Audit.finished_at >= start,
        Audit.finished_at < end,
        Audit.checklist_id.in_(select(Checklist.id).where(Checklist.key == scope.checklist_key)),
    ]
    if scope.region_ids is not None:
        in_regions = select(Location.id).where(Location.region_id.in_(scope.region_ids))
        filters.append(Audit.location_id.in_(in_regions))
    return filters


def aggregate(session: Session, scope: Scope, start: datetime, end: datetime) -> list[Row]:
    """n, sum and sum of squares of the scores per location, in one GROUP BY."""
    score = AuditSectionScore.score if scope.section else Audit.score_overall
    stmt = select(Audit.location_id, func.count(score), func.sum(score), func.sum(score * score))
    if scope.section:
        stmt = stmt.join(AuditSectionScore, AuditSectionScore.audit_id == Audit.id).where(
            AuditSectionScore.section_key == scope.section
        )
    stmt = stmt.where(*approved_filters(scope, start, end), score.is_not(None))
    rows = session.execute(stmt.group_by(Audit.location_id))
    return [Row(loc, n, float(total), float(sq)) for loc, n, total, sq in rows]


@dataclass(frozen=True)
class Ranked:
    location_id: int
    rank: int
    score: float
    mean: float
    n: int
    ci: list[float] | None


def rank(rows: Sequence[Row], prior_weight: float, *, intervals: bool = True) -> list[Ranked]:
    """Shrunk scores toward the mean of all audits in scope, best first, competition ranks;
    `intervals=False` skips the confidence intervals (previous windows need ranks only)."""
    n_all = sum(row.n for row in rows)
    if not n_all:
        return []
    prior_mean = sum(row.total for row in rows) / n_all
    scored = []
    for row in rows:
        mean = row.total / row.n
        sd = statistics.sample_sd(row.n, row.total, row.total_sq) if intervals else None
        scored.append((statistics.shrunk(row.n, mean, prior_weight, prior_mean), mean, row, sd))
    scored.sort(key=lambda item: (-round(item[0], 6), item[2].location_id))
    ranks = statistics.competition_ranks([item[0] for item in scored])
    return [
        Ranked(
            row.location_id,
            position,
            score,
            mean,
            row.n,
            statistics.confidence_interval(row.n, mean, sd),
        )
        for position, (score, mean, row, sd) in zip(ranks, scored, strict=True)
    ]


def locations_in(session: Session, scope: Scope) -> list:
    """The locations a ranking names: id, code, name and active flag (plain rows, no ORM
    objects: a thousand of them would cost more than the aggregation)."""
    stmt = select(Location.id, Location.code, Location.name, Location.active).order_by(
        Location.code
    )
    if scope.region_ids is not None:
        stmt = stmt.where(Location.region_id.in_(scope.region_ids))
    return list(session.execute(stmt))


def ranking(session: Session, scope: Scope, now: datetime, days: int, prior_weight: float) -> dict:
    """The ranking of DESIGN §4 for the window [now - days, now), with the previous ranks."""
    start, window = now - timedelta(days=days), timedelta(days=days)
    current = rank(aggregate(session, scope, start, now), prior_weight)
    previous = {
        r.location_id: r.rank
        for r in rank(aggregate(session, scope, start - window, start), prior_weight)
    }
    locations = {location.id: location for location in locations_in(session, scope)}
    ranked_ids = {r.location_id for r in current}
    return {
        "from": start,
        "to": now,
        "items": [
            {
                "rank": r.rank,
                "previous_rank": previous.get(r.location_id),
                "location": locations[r.location_id],
                "score": r.score,
                "mean": r.mean,
                "n": r.n,
                "ci": r.ci,
            }
            for r in current
        ],
        "unranked": [
            {"location": location}
            for location_id, location in locations.items()
            if location_id not in ranked_ids and location.active
        ],
    }
