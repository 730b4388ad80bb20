"""The query vocabulary of insights: which audits a number is made of.

A `Scope` names the locations (by region), the checklist (every version of one key) and
optionally a section. The filters here are WHERE clauses over `Audit` that rankings, breakdowns,
scorecards, exports and the pages share, so that "approved audits of checklist K in these
regions" is written once. Any value may be a bind parameter, for statements built once and run
many times (rankings).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from auditor.models import Audit, Checklist, ChecklistSection, Location


@dataclass(frozen=True)
class Scope:
    """Which locations, which checklist, which section (None: the overall score)."""

    region_ids: Sequence[int] | None  # None: every region
    checklist_key: str
    section: str | None = None


def checklist_key_filter(key) -> ColumnElement[bool]:
    """Audits made with any version of the checklist `key` (keys stay, versions change)."""
    return Audit.checklist_id.in_(select(Checklist.id).where(Checklist.key == key))


def regions_filter(region_ids) -> ColumnElement[bool]:
    """Audits of the locations in the given regions."""
    return Audit.location_id.in_(select(Location.id).where(Location.region_id.in_(region_ids)))


def scope_filters(scope: Scope) -> list[ColumnElement[bool]]:
    """Audits of the scope's checklist in the scope's regions, of any status and time."""
    filters = [checklist_key_filter(scope.checklist_key)]
    if scope.region_ids is not None:
        filters.append(regions_filter(scope.region_ids))
    return filters


def finished_between(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """Audits finished in [start, end)."""
    return [Audit.finished_at >= start, Audit.finished_at < end]


def approved_filters(scope: Scope, start: datetime, end: datetime) -> list:
    """Approved audits of the scope's checklist (all versions) finished in [start, end)."""
    return [Audit.status == "approved", *finished_between(start, end), *scope_filters(scope)]


def locations_in(session: Session, scope: Scope) -> list:
    """The locations a scope names, in code order: id, code, name and active flag (plain rows,
    no ORM objects: a thousand of them would cost more than the aggregation)."""
    stmt = select(Location.id, Location.code, Location.name, Location.active).order_by(
        Location.code
    )
    if scope.region_ids is not None:
        stmt = stmt.where(Location.region_id.in_(scope.region_ids))
    return list(session.connection().execute(stmt))


def section_keys_of(session: Session, checklist_key: str) -> set[str]:
    """The section keys of every version of a checklist (empty for an unknown key)."""
    stmt = (
        select(ChecklistSection.key)
        .join(Checklist, Checklist.id == ChecklistSection.checklist_id)
        .where(Checklist.key == checklist_key)
        .distinct()
    )
    return set(session.scalars(stmt))


def published_checklist_keys(session: Session) -> list[str]:
    """The keys of published checklists, sorted: what a filter form offers."""
    stmt = select(Checklist.key).where(Checklist.status == "published").distinct()
    return sorted(session.scalars(stmt))
