"""Each auditor's overall scores against their peers' at the same stores (DESIGN §10.5's page).

For every auditor of the calibration, two histograms of ten bands (0-10, ..., 90-100): their
own approved audits at locations another auditor also visited in the window, and the other
auditors' approved audits at those same locations (a peer's audit counts once for each
auditor it is compared with, as in the calibration's pooled means). One SQL statement: counts
per (location, auditor, band), then per (location, band), joined back to the shared pairs.
The SVG geometry beside it draws both as shares, so a few audits compare with many.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from auditor.insights.queries import Scope, approved_filters
from auditor.models import Audit

BANDS = 10


class Spread(NamedTuple):
    """Counts per band of an auditor's own scores and of their peers' at the same stores."""

    own: list[int]
    peers: list[int]


def band_of(score) -> object:
    """The band of a score column, 0 (below 10) to 9 (90 and up): a CASE, so that both
    databases agree (a cast rounds on PostgreSQL and truncates on SQLite)."""
    return case(*((score < 10 * (band + 1), band) for band in range(BANDS - 1)), else_=BANDS - 1)


def _cells(scope: Scope, start: datetime, end: datetime):
    """Counts per (location, auditor, band) of the approved audits in scope and window."""
    score = Audit.score_overall
    band = band_of(score).label("band")
    return (
        select(Audit.location_id, Audit.auditor_id, band, func.count().label("c"))
        .where(*approved_filters(scope, start, end), score.is_not(None))
        .group_by(Audit.location_id, Audit.auditor_id, band)
        .cte("cells")
    )


def spread_statement(scope: Scope, start: datetime, end: datetime) -> Select:
    """Rows (auditor id, band, own count, peers' count) over the auditors' shared locations."""
    cells = _cells(scope, start, end)
    pairs = (
        select(
            cells.c.location_id,
            cells.c.auditor_id,
            func.sum(cells.c.c).label("n"),
            func.sum(func.sum(cells.c.c)).over(partition_by=cells.c.location_id).label("ln"),
        )
        .group_by(cells.c.location_id, cells.c.auditor_id)
        .subquery("pairs")
    )
    bands = (
        select(cells.c.location_id, cells.c.band, func.sum(cells.c.c).label("lc"))
        .group_by(cells.c.location_id, cells.c.band)
        .subquery("bands")
    )
    own = cells.alias("own")
    mine = func.coalesce(own.c.c, 0)
    return (
        select(pairs.c.auditor_id, bands.c.band, func.sum(mine), func.sum(bands.c.lc - mine))
        .select_from(pairs)
        .join(bands, bands.c.location_id == pairs.c.location_id)
        .outerjoin(
            own,
            and_(
                own.c.location_id == pairs.c.location_id,
                own.c.auditor_id == pairs.c.auditor_id,
                own.c.band == bands.c.band,
            ),
        )
        .where(pairs.c.ln > pairs.c.n)
        .group_by(pairs.c.auditor_id, bands.c.band)
    )


def spreads(session: Session, scope: Scope, start: datetime, end: datetime) -> dict[int, Spread]:
    """Per auditor id, their own and their peers' score counts per band."""
    found: dict[int, Spread] = {}
    for auditor_id, band, own, peers in session.connection().execute(
        spread_statement(scope, start, end)
    ):
        spread = found.setdefault(auditor_id, Spread([0] * BANDS, [0] * BANDS))
        spread.own[int(band)] += int(own)
        spread.peers[int(band)] += int(peers)
    return found


class Bar(NamedTuple):
    x: float
    y: float
    width: float
    height: float


class SpreadChart(NamedTuple):
    """An SVG's bars (peers wide and light, the auditor's narrow and dark) and its words."""

    peers: list[Bar]
    own: list[Bar]
    label: str


def _fractions(counts: Sequence[int]) -> list[float]:
    total = sum(counts) or 1
    return [count / total for count in counts]


def _bars(fractions: Sequence[float], tallest: float, box: tuple[float, float], inset: float):
    width, height = box
    step = width / len(fractions)
    return [
        Bar(
            index * step + inset,
            height - share / tallest * height,
            step - 2 * inset,
            share / tallest * height,
        )
        for index, share in enumerate(fractions)
    ]


def spread_label(name: str, spread: Spread) -> str:
    """What the chart says to a screen reader: each band's share, the auditor's and peers'."""
    own = [round(100 * f) for f in _fractions(spread.own)]
    peers = [round(100 * f) for f in _fractions(spread.peers)]
    bands = [
        f"{10 * i}-{10 * i + 10}: {own[i]}% vs {peers[i]}%"
        for i in range(BANDS)
        if spread.own[i] or spread.peers[i]
    ]
    return f"Scores of {name} against their peers' at the same stores, " + "; ".join(bands)


def spread_chart(name: str, spread: Spread, width: float = 120, height: float = 32) -> SpreadChart:
    """The geometry of one auditor's chart: both histograms as shares of their own totals, on
    one scale (the tallest share of either fills the height), so their shapes compare."""
    own, peers = _fractions(spread.own), _fractions(spread.peers)
    tallest = max(*own, *peers) or 1.0
    box = (width, height)
    return SpreadChart(
        _bars(peers, tallest, box, 0.5),
        _bars(own, tallest, box, width / BANDS * 0.3),
        spread_label(name, spread),
    )
