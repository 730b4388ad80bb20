"""CSV exports, streamed row by row, with cells a spreadsheet would run as formulas defused:
the audits of the dashboard's scope and window, and a ranking."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from auditor.insights import breakdowns
from auditor.insights.queries import Scope, finished_between, scope_filters
from auditor.models import Audit, Dispute, Location

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500


def escape_cell(value: Any) -> str:
    """A cell as text; one starting like a formula gets a leading apostrophe (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # numbers stay numbers: a negative score is no formula
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int | datetime):
        return value.isoformat() if isinstance(value, datetime) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text of a header and rows, one line at a time (nothing held in memory)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([escape_cell(cell) for cell in row])
        yield buffer.getvalue()


AUDIT_HEADER = (
    "uuid",
    "location_code",
    "location_name",
    "region",
    "checklist",
    "version",
    "status",
    "rejected_reason",
    "started_at",
    "finished_at",
    "score",
    "critical_failed",
)


def _disputes(*conditions) -> Any:
    """How many disputes an audit has (of a status), as a column of the export's SELECT."""
    return (
        select(func.count(Dispute.id))
        .where(Dispute.audit_id == Audit.id, *conditions)
        .scalar_subquery()
    )


DISPUTE_HEADER = ("disputes", "disputes_upheld")


def audit_rows(session: Session, stmt: Select, section_keys: Sequence[str]) -> Iterator[list[Any]]:
    """One row per audit of `stmt` with its section scores and, last, its disputes (DESIGN
    §10.4: how many, and how many upheld); loaded in batches of BATCH."""
    stmt = (
        stmt.add_columns(_disputes(), _disputes(Dispute.status == "upheld"))
        .options(
            joinedload(Audit.location).joinedload(Location.region),
            joinedload(Audit.checklist),
            selectinload(Audit.section_scores),
        )
        .execution_options(yield_per=BATCH)
    )
    for audit, disputes, upheld in session.execute(stmt):
        sections = {row.section_key: row.score for row in audit.section_scores}
        yield [
            str(audit.id),
            audit.location.code,
            audit.location.name,
            audit.location.region.name,
            audit.checklist.key,
            audit.checklist.version,
            audit.status,
            # a rejected audit is listed, never counted, and says why (DESIGN §10.2)
            audit.review_note if audit.status == "rejected" else None,
            audit.started_at,
            audit.finished_at,
            audit.score_overall,
            audit.critical_failed,
            *(sections.get(key) for key in section_keys),
            disputes,
            upheld,
        ]


def audits_to_export(
    visible: Select, scope: Scope, start: datetime, end: datetime, status: str | None = None
) -> Select:
    """The audits of `visible` (a SELECT scoped by `access`) in the scope, finished in
    [start, end), of one status if given, newest first."""
    stmt = visible.where(*finished_between(start, end), *scope_filters(scope))
    if status is not None:
        stmt = stmt.where(Audit.status == status)
    return stmt.order_by(Audit.finished_at.desc())


def audits_csv(
    session: Session,
    visible: Select,
    scope: Scope,
    window: tuple[datetime, datetime],
    status: str | None = None,
) -> Iterator[str]:
    """The audits CSV: a column per section of the checklist's newest version."""
    # the sections are read now, the audits while the response streams
    keys = [key for key, _title in breakdowns.sections_of(session, scope.checklist_key)]
    header = [*AUDIT_HEADER, *(f"section_{key}" for key in keys), *DISPUTE_HEADER]
    stmt = audits_to_export(visible, scope, *window, status)
    return csv_lines(header, audit_rows(session, stmt, keys))


RANKING_HEADER = (
    "rank",
    "previous_rank",
    "location_code",
    "location_name",
    "score",
    "mean",
    "n",
    "ci_low",
    "ci_high",
)


def ranking_rows(result: dict) -> Iterator[list[Any]]:
    """The rows of a ranking (DESIGN §4): ranked locations, then unranked ones."""
    for item in result["items"]:
        low, high = item["ci"] or (None, None)
        location = item["location"]
        yield [
            item["rank"],
            item["previous_rank"],
            location["code"],
            location["name"],
            item["score"],
            item["mean"],
            item["n"],
            low,
            high,
        ]
    for item in result["unranked"]:
        location = item["location"]
        yield [None, None, location["code"], location["name"], None, None, 0, None, None]


def ranking_csv(result: dict) -> Iterator[str]:
    """A ranking (DESIGN §4) as CSV lines."""
    return csv_lines(RANKING_HEADER, ranking_rows(result))
