"""What managers read off approved audits: heatmaps, weakest questions, trends (DESIGN §8).

Every function aggregates in SQL with GROUP BY and runs a fixed number of queries, whatever
the number of locations or audits. Scopes and windows are those of rankings (DESIGN §4).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload

from auditor.insights.queries import Scope, approved_filters, locations_in
from auditor.models import (
    Answer,
    Audit,
    AuditSectionScore,
    Checklist,
    ChecklistQuestion,
    ChecklistSection,
    Location,
)

FAILED_SHARE = 0.5  # an answer earning under half its points counts as a failure


@dataclass(frozen=True)
class Cell:
    n: int
    mean: float


def month_of(session: Session, column):
    """A 'YYYY-MM' expression for a UTC timestamp column, per dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    # SQLite holds UTC timestamps as fixed-width "YYYY-MM-DD HH:MM:SS.ffffff" text, whose
    # first seven characters are the month: a third of strftime's cost over a dashboard
    return func.substr(column, 1, 7)


def latest_version_id(checklist_key: str):
    """The id of a key's newest version, as a scalar subquery (its titles name the columns)."""
    return (
        select(Checklist.id)
        .where(Checklist.key == checklist_key)
        .order_by(Checklist.version.desc())
        .limit(1)
        .scalar_subquery()
    )


def sections_of(session: Session, checklist_key: str) -> list[tuple[str, str]]:
    """(key, title) of the sections of a key's newest version, in order."""
    stmt = (
        select(ChecklistSection.key, ChecklistSection.title)
        .where(ChecklistSection.checklist_id == latest_version_id(checklist_key))
        .order_by(ChecklistSection.position)
    )
    return [(key, title) for key, title in session.execute(stmt)]


def heatmap(
    session: Session, scope: Scope, start: datetime, end: datetime
) -> dict[tuple[int, str], Cell]:
    """Mean section score per (location, section) over approved audits in [start, end)."""
    stmt = (
        select(
            Audit.location_id,
            AuditSectionScore.section_key,
            func.count(AuditSectionScore.score),
            func.avg(AuditSectionScore.score),
        )
        .join(AuditSectionScore, AuditSectionScore.audit_id == Audit.id)
        .where(*approved_filters(scope, start, end), AuditSectionScore.score.is_not(None))
        .group_by(Audit.location_id, AuditSectionScore.section_key)
    )
    return {(loc, key): Cell(n, float(mean)) for loc, key, n, mean in session.execute(stmt)}


def heatmap_table(session: Session, scope: Scope, start: datetime, end: datetime) -> dict:
    """The heatmap page: its cells, the mean of each column, and its rows: the locations in
    scope (code order) that are active or have a cell."""
    cells = heatmap(session, scope, start, end)
    with_cells = {location_id for location_id, _key in cells}
    locations = [
        location
        for location in locations_in(session, scope)
        if location.active or location.id in with_cells
    ]
    return {"cells": cells, "means": column_means(cells), "locations": locations}


def column_means(cells: dict[tuple[int, str], Cell]) -> dict[str, Cell]:
    """Per section, the mean over every audit behind the cells (weighted by their n)."""
    totals: dict[str, tuple[int, float]] = {}
    for (_location, key), cell in cells.items():
        n, total = totals.get(key, (0, 0.0))
        totals[key] = (n + cell.n, total + cell.n * cell.mean)
    return {key: Cell(n, total / n) for key, (n, total) in totals.items()}


def _failed():
    return Answer.earned < FAILED_SHARE * Answer.possible


def _scored_answers(scope: Scope, start: datetime, end: datetime, location_id: int | None):
    filters = [
        *approved_filters(scope, start, end),
        Answer.na.is_(False),
        Answer.possible > 0,
        Answer.earned.is_not(None),
    ]
    if location_id is not None:
        filters.append(Audit.location_id == location_id)
    return filters


def weakest_questions(
    session: Session,
    scope: Scope,
    start: datetime,
    end: datetime,
    location_id: int | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Questions by failure rate (share of scored, non-N/A answers under half their points)."""
    failures = func.sum(case((_failed(), 1), else_=0))
    stmt = (
        select(Answer.question_key, func.count(Answer.id), failures)
        .join(Audit, Audit.id == Answer.audit_id)
        .where(*_scored_answers(scope, start, end, location_id))
        .group_by(Answer.question_key)
    )
    texts = question_texts(session, scope.checklist_key)
    rows = []
    for key, n, failed in session.execute(stmt):
        text, section_key, section_title = texts.get(key, (key, None, None))
        rows.append(
            {
                "key": key,
                "text": text,
                "section": section_key,
                "section_title": section_title,
                "n": n,
                "failed": int(failed or 0),
                "rate": int(failed or 0) / n,
            }
        )
    if scope.section is not None:
        rows = [row for row in rows if row["section"] == scope.section]
    rows.sort(key=lambda row: (-row["rate"], -row["n"], row["key"]))
    return rows[:limit] if limit else rows


def question_texts(session: Session, checklist_key: str) -> dict[str, tuple[str, str, str]]:
    """Per question key: (text, section key, section title) of the newest version."""
    # the newest version names the questions: wording changes, keys stay (DESIGN §2)
    stmt = (
        select(
            ChecklistQuestion.key,
            ChecklistQuestion.text,
            ChecklistSection.key,
            ChecklistSection.title,
        )
        .join(ChecklistSection, ChecklistSection.id == ChecklistQuestion.section_id)
        .where(ChecklistQuestion.checklist_id == latest_version_id(checklist_key))
    )
    return {key: (text, s_key, s_title) for key, text, s_key, s_title in session.execute(stmt)}


def question_text(session: Session, checklist_key: str, question_key: str) -> dict | None:
    """The newest wording of one question and its section, or None for an unknown key."""
    found = question_texts(session, checklist_key).get(question_key)
    if found is None:
        return None
    return {"key": question_key, "text": found[0], "section": found[1], "section_title": found[2]}


def failed_answers(
    session: Session,
    scope: Scope,
    start: datetime,
    end: datetime,
    question_key: str,
    location_id: int | None = None,
    limit: int = 100,
) -> list[tuple[Audit, Answer]]:
    """The approved audits in scope where one question failed, newest first, with the answer."""
    stmt = (
        select(Audit, Answer)
        .join(Answer, Answer.audit_id == Audit.id)
        .where(
            *_scored_answers(scope, start, end, location_id),
            Answer.question_key == question_key,
            _failed(),
        )
        .options(joinedload(Audit.location))
        .order_by(Audit.finished_at.desc())
        .limit(limit)
    )
    return [(audit, answer) for audit, answer in session.execute(stmt)]


def monthly_trends(
    session: Session, scope: Scope, end: datetime, months: int = 6
) -> dict[int, list[tuple[str, float]]]:
    """Per location, the mean overall score per month over the last `months` months."""
    start = end - timedelta(days=31 * months)
    month = month_of(session, Audit.finished_at).label("month")
    stmt = (
        select(Audit.location_id, month, func.avg(Audit.score_overall))
        .where(*approved_filters(scope, start, end), Audit.score_overall.is_not(None))
        .group_by(Audit.location_id, month)
        .order_by(Audit.location_id, month)
    )
    trends: dict[int, list[tuple[str, float]]] = {}
    for location_id, label, mean in session.execute(stmt):
        trends.setdefault(location_id, []).append((label, float(mean)))
    return trends


def store_against_region(
    session: Session, store: Location, checklist_key: str, start: datetime, end: datetime
) -> tuple[dict[str, Cell], dict[str, Cell]]:
    """A store's mean score per section, and its region's, over approved audits in [start, end)."""
    cells = heatmap(session, Scope([store.region_id], checklist_key), start, end)
    own = {key: cell for (location_id, key), cell in cells.items() if location_id == store.id}
    return own, column_means(cells)


def recent_audits(session: Session, store: Location, limit: int = 10) -> list[Audit]:
    """A store's latest submitted, approved or rejected audits (shown with their reason), newest
    first."""
    shown = ("submitted", "approved", "rejected")
    stmt = (
        select(Audit)
        .where(Audit.location_id == store.id, Audit.status.in_(shown))
        .order_by(Audit.finished_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def store_breakdown(
    session: Session, store: Location, checklist_key: str, start: datetime, end: datetime
) -> dict:
    """A store's page (DESIGN §8): its sections beside its region's, its weakest questions
    with the region's failure rate of each, and its recent audits."""
    region = Scope([store.region_id], checklist_key)
    cells, region_means = store_against_region(session, store, checklist_key, start, end)
    weakest = weakest_questions(session, region, start, end, store.id)
    region_rates = weakest_questions(session, region, start, end)
    return {
        "cells": cells,
        "region_means": region_means,
        "weakest": weakest,
        "region_rates": {row["key"]: row for row in region_rates},
        "recent": recent_audits(session, store),
    }
