"""Auditor calibration (DESIGN §10.5): who scores high or low against peers at the same stores.

For each auditor, over their approved audits at locations where another auditor also has
approved audits in the window, one difference per audit: its overall score minus the mean
overall of all the other auditors' approved audits at that location (pooled audits). The
mean of those differences is the auditor's bias, with a 95% Student-t interval.

All of it is one SQL statement: a GROUP BY (location, auditor) gives each pair's count, sum
and sum of squares; window sums over the location give the location's totals, so the others'
mean at a location is `(location sum - pair sum) / (location n - pair n)`; and the sum and sum
of squares of an auditor's differences follow from the pair's sums (Σd = s - n·m,
Σd² = q - 2·m·s + n·m²), summed per auditor. Python only turns each auditor's three sums into
bias, interval and flag (`statistics`).
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from auditor.insights import statistics
from auditor.insights.queries import Scope, approved_filters
from auditor.models import Audit, User


class Calibrated(NamedTuple):
    """One auditor's calibration: n differences, their mean (bias), interval and flag."""

    auditor: dict
    n: int
    bias: float
    ci: list[float] | None
    flag: str | None


def pair_sums(scope: Scope, start: datetime, end: datetime) -> Select:
    """Per (location, auditor): n, sum and sum of squares of the overall scores of the approved
    audits in scope and window. What every calibration figure is made of."""
    score = Audit.score_overall
    return (
        select(
            Audit.location_id,
            Audit.auditor_id,
            func.count(score).label("n"),
            func.sum(score).label("s"),
            func.sum(score * score).label("q"),
        )
        .where(*approved_filters(scope, start, end), score.is_not(None))
        .group_by(Audit.location_id, Audit.auditor_id)
    )


def _with_others_mean(scope: Scope, start: datetime, end: datetime):
    """The pairs at shared locations, each with the mean of the other auditors' audits there."""
    pairs = pair_sums(scope, start, end).subquery("pairs")
    by_location = {"partition_by": pairs.c.location_id}
    located = select(
        pairs,
        func.sum(pairs.c.n).over(**by_location).label("location_n"),
        func.sum(pairs.c.s).over(**by_location).label("location_s"),
    ).subquery("located")
    others_n = located.c.location_n - located.c.n
    return (
        select(
            located.c.auditor_id,
            located.c.n,
            located.c.s,
            located.c.q,
            ((located.c.location_s - located.c.s) / others_n).label("m"),
        )
        .where(others_n > 0)
        .subquery("shared")
    )


def differences_statement(scope: Scope, start: datetime, end: datetime) -> Select:
    """Per auditor (with a name): n, Σd and Σd² of their differences from the others' means."""
    shared = _with_others_mean(scope, start, end)
    n, s, q, m = shared.c.n, shared.c.s, shared.c.q, shared.c.m
    sums = (
        select(
            shared.c.auditor_id,
            func.sum(n).label("n"),
            func.sum(s - n * m).label("sum_d"),
            func.sum(q - 2 * m * s + n * m * m).label("sum_d2"),
        )
        .group_by(shared.c.auditor_id)
        .subquery("sums")
    )
    return select(User.id, User.name, sums.c.n, sums.c.sum_d, sums.c.sum_d2).join(
        sums, sums.c.auditor_id == User.id
    )


def flag_of(ci: list[float] | None) -> str | None:
    """`high` or `low` when the interval excludes 0, else None."""
    if ci is None:
        return None
    if ci[0] > 0:
        return "high"
    return "low" if ci[1] < 0 else None


def calibrated(auditor: dict, n: int, sum_d: float, sum_d2: float) -> Calibrated:
    """Bias, interval and flag from the count, sum and sum of squares of the differences."""
    bias = sum_d / n
    ci = statistics.confidence_interval(n, bias, statistics.sample_sd(n, sum_d, sum_d2))
    return Calibrated(auditor, n, bias, ci, flag_of(ci))


def flagged_first(item: Calibrated) -> tuple:
    """Sort key: flagged auditors first, then the largest bias either way, then by name."""
    return (item.flag is None, -abs(item.bias), item.auditor["name"], item.auditor["id"])


def calibration(session: Session, scope: Scope, now: datetime, days: int) -> dict:
    """DESIGN §10.5 for the window [now - days, now): `{from, to, items}`, flagged first.

    Auditors with no audit at a location another auditor visited (n = 0) are left out.
    """
    start = now - timedelta(days=days)
    rows = session.connection().execute(differences_statement(scope, start, now))
    items = [
        calibrated({"id": user_id, "name": name}, int(n), float(sum_d), float(sum_d2))
        for user_id, name, n, sum_d, sum_d2 in rows
        if n
    ]
    items.sort(key=flagged_first)
    return {"from": start, "to": now, "items": items}
