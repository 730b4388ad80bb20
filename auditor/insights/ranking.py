"""Rankings of locations (DESIGN §4): SQL aggregation plus the pure statistics.

A ranking runs two queries whatever the number of locations: the current window's numbers
with the locations in scope (the unranked ones come with it), and the previous window's.
Which audits count (`Scope`, `approved_filters`) is the vocabulary of `insights.queries`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from auditor.insights import statistics
from auditor.insights.queries import Scope, approved_filters
from auditor.models import Audit, AuditSectionScore, Location


# Named tuples rather than dataclasses: a thousand locations per window are built on every
# request, and a frozen dataclass costs several times more to construct.
class Row(NamedTuple):
    location_id: int
    n: int
    total: float
    total_sq: float


def _per_location_statement(by_section: bool, by_region: bool, with_locations: bool) -> Select:
    # locations LEFT JOIN their audits in the window: SQLite seeks each location's window on
    # the location-led covering index and meets the rows already grouped (no sort)
    template = Scope(None, bindparam("checklist"), bindparam("section") if by_section else None)
    score = AuditSectionScore.score if by_section else Audit.score_overall
    in_window = approved_filters(template, bindparam("start"), bindparam("end"))
    if not by_section:
        in_window.append(score.is_not(None))
    columns = [Location.code, Location.name, Location.active] if with_locations else []
    stmt = (
        select(Location.id, *columns, *_sums(score))
        .select_from(Location)
        .outerjoin(Audit, and_(Audit.location_id == Location.id, *in_window))
    )
    if by_section:
        stmt = stmt.outerjoin(
            AuditSectionScore,
            and_(
                AuditSectionScore.audit_id == Audit.id,
                AuditSectionScore.section_key == template.section,
                score.is_not(None),
            ),
        )
    if by_region:
        stmt = stmt.where(Location.region_id.in_(bindparam("regions", expanding=True)))
    stmt = stmt.group_by(Location.id)
    return stmt.order_by(Location.code) if with_locations else stmt


def _sums(score) -> list:
    return [
        func.count(score).label("n"),
        func.sum(score).label("total"),
        func.sum(score * score).label("total_sq"),
    ]


def _grouped_statement(by_section: bool, by_region: bool, with_locations: bool) -> Select:
    # one GROUP BY over the window's audits, joined to the locations after: how PostgreSQL
    # runs it best (a hash aggregate; the per-location join above ran a quarter slower there)
    regions = bindparam("regions", expanding=True) if by_region else None
    template = Scope(regions, bindparam("checklist"), bindparam("section") if by_section else None)
    score = AuditSectionScore.score if by_section else Audit.score_overall
    stmt = select(Audit.location_id, *_sums(score))
    if by_section:
        stmt = stmt.join(AuditSectionScore, AuditSectionScore.audit_id == Audit.id).where(
            AuditSectionScore.section_key == template.section
        )
    filters = approved_filters(template, bindparam("start"), bindparam("end"))
    stmt = stmt.where(*filters, score.is_not(None)).group_by(Audit.location_id)
    if not with_locations:
        return stmt
    window = stmt.subquery()
    located = select(
        Location.id, Location.code, Location.name, Location.active, *window.c[1:]
    ).outerjoin(window, window.c.location_id == Location.id)
    if by_region:
        located = located.where(Location.region_id.in_(regions))
    return located.order_by(Location.code)


@cache
def _window_statement(
    dialect: str, by_section: bool, by_region: bool, with_locations: bool
) -> Select:
    """A window's n, sum and sum of squares per location, its values left as bind
    parameters: built once per shape, because building it costs as much as running it over
    one region's audits. Rows: (location id, [code, name, active,] n, total, total_sq); a
    location without an audit may come with n = 0.

    `with_locations`: every location in scope (code order) with its code, name and active
    flag, so no second query fetches them.
    """
    build = _per_location_statement if dialect == "sqlite" else _grouped_statement
    return build(by_section, by_region, with_locations)


def _run_window(session: Session, scope: Scope, start: datetime, end: datetime, located: bool):
    dialect = session.get_bind().dialect.name
    stmt = _window_statement(
        dialect, scope.section is not None, scope.region_ids is not None, located
    )
    params = {"start": start, "end": end, "checklist": scope.checklist_key}
    if scope.section is not None:
        params["section"] = scope.section
    if scope.region_ids is not None:
        params["regions"] = list(scope.region_ids)
    return session.connection().execute(stmt, params).all()


def aggregate(session: Session, scope: Scope, start: datetime, end: datetime) -> list[Row]:
    """n, sum and sum of squares of the scores per location, in one GROUP BY."""
    rows = _run_window(session, scope, start, end, located=False)
    return [Row(loc, n, float(total), float(sq)) for loc, n, total, sq in rows if n]


@dataclass
class Located:
    """A window's numbers with the locations in scope: `places` as the API names them."""

    rows: list[Row]
    places: dict[int, dict]
    active: set[int]


def aggregate_located(session: Session, scope: Scope, start: datetime, end: datetime) -> Located:
    """Like `aggregate`, with every location in scope (code order), in the same query."""
    located = Located([], {}, set())
    for location_id, code, name, is_active, n, total, total_sq in _run_window(
        session, scope, start, end, located=True
    ):
        located.places[location_id] = {"id": location_id, "code": code, "name": name}
        if is_active:
            located.active.add(location_id)
        if n:
            located.rows.append(Row(location_id, n, float(total), float(total_sq)))
    return located


def rows_of(scores: Iterable[tuple[int, float]]) -> list[Row]:
    """n, sum and sum of squares per location from (location id, overall score) pairs, in
    first-seen order: the rows `rank` takes, for scores computed outside SQL (what-if, §10.6),
    so that they are ranked by the very computation the SQL-aggregated window is."""
    sums: dict[int, list[float]] = {}
    for location_id, score in scores:
        found = sums.get(location_id)
        if found is None:
            sums[location_id] = [1, score, score * score]
        else:
            found[0] += 1
            found[1] += score
            found[2] += score * score
    return [Row(loc, int(n), float(total), float(sq)) for loc, (n, total, sq) in sums.items()]


class Ranked(NamedTuple):
    location_id: int
    rank: int
    score: float
    mean: float
    n: int
    ci: list[float] | None


def _shrunk_best_first(rows: Sequence[Row], prior_weight: float) -> list[tuple]:
    """(tie key, location id, shrunk score, mean, n, total, total of squares), best first:
    the tie key is the shrunk score rounded to 6 decimals and negated, so that plain tuple
    order sorts and breaks ties by id. (Plain tuples and loops: this runs for a thousand
    locations per window on every request.)"""
    n_all = sum(row[1] for row in rows)
    if not n_all:
        return []
    prior_mean = sum(row[2] for row in rows) / n_all
    shrunk = statistics.shrunk
    scored = []
    for location_id, n, total, total_sq in rows:
        mean = total / n
        score = shrunk(n, mean, prior_weight, prior_mean)
        scored.append((-round(score, 6), location_id, score, mean, n, total, total_sq))
    scored.sort()
    return scored


def rank(rows: Sequence[Row], prior_weight: float) -> list[Ranked]:
    """Shrunk scores toward the mean of all audits in scope, best first, competition ranks,
    with the 95% interval around each raw mean."""
    scored = _shrunk_best_first(rows, prior_weight)
    ranks = statistics.competition_ranks([item[2] for item in scored])
    interval, sample_sd = statistics.confidence_interval, statistics.sample_sd
    return [
        Ranked(location_id, position, score, mean, n, interval(n, mean, sample_sd(n, total, sq)))
        for position, (_, location_id, score, mean, n, total, sq) in zip(ranks, scored, strict=True)
    ]


def ranks_by_location(rows: Sequence[Row], prior_weight: float) -> dict[int, int]:
    """Only the ranks, by location id: what a previous window contributes."""
    scored = _shrunk_best_first(rows, prior_weight)
    ranks = statistics.competition_ranks([item[2] for item in scored])
    return {item[1]: position for position, item in zip(ranks, scored, strict=True)}


def ranking(session: Session, scope: Scope, now: datetime, days: int, prior_weight: float) -> dict:
    """The ranking of DESIGN §4 for the window [now - days, now), with the previous ranks.

    Each location is a plain `{id, code, name}` dict, as the API returns it.
    """
    start, window = now - timedelta(days=days), timedelta(days=days)
    located = aggregate_located(session, scope, start, now)
    current = rank(located.rows, prior_weight)
    previous = ranks_by_location(aggregate(session, scope, start - window, start), prior_weight)
    places, active = located.places, located.active
    ranked_ids = {r.location_id for r in current}
    return {
        "from": start,
        "to": now,
        "items": [
            {
                "rank": position,
                "previous_rank": previous.get(location_id),
                "location": places[location_id],
                "score": score,
                "mean": mean,
                "n": n,
                "ci": ci,
            }
            for location_id, position, score, mean, n, ci in current
        ],
        "unranked": [
            {"location": place}
            for location_id, place in places.items()
            if location_id in active and location_id not in ranked_ids
        ],
    }
