"""Locations from a CSV file: every row checked first, nothing imported when one is wrong."""

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.core.field_rules import field_errors
from auditor.models import Location, Region, User
from auditor.org import hours, organisation, rules

COLUMNS = ("code", "name", "region", "address", "lat", "lon", "timezone", "opening_hours")
REQUIRED = ("code", "name", "region")
MAX_ROWS = 5000


@dataclass
class Report:
    """What an import found: rows ready to create and errors by line number."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)

    def add(self, line: int, message: str) -> None:
        """Note one problem with one line of the file."""
        self.errors.setdefault(line, []).append(message)


def _number(raw: str, name: str, report: Report, line: int) -> float | None:
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        report.add(line, f"{name}: not a number ({raw!r}).")
        return None


def _hours(raw: str, report: Report, line: int) -> dict | None:
    try:
        return hours.parse(raw)
    except ma.ValidationError as error:
        for message in error.messages:
            report.add(line, f"opening_hours: {message}")
        return None


def _row(raw: Mapping[str, str], line: int, regions: Mapping[str, int], report: Report) -> dict:
    cells = {column: (raw.get(column) or "").strip() for column in COLUMNS}
    for column in REQUIRED:
        if not cells[column]:
            report.add(line, f"{column}: required.")
    if cells["region"] and cells["region"] not in regions:
        report.add(line, f"region: no region named {cells['region']!r}.")
    timezone = cells["timezone"] or "UTC"
    try:
        organisation.validate_timezone(timezone)
    except ma.ValidationError:
        report.add(line, f"timezone: {timezone!r} is not an IANA time zone.")
    row = {
        "code": cells["code"],
        "name": cells["name"],
        "region_id": regions.get(cells["region"]),
        "address": cells["address"],
        "lat": _number(cells["lat"], "lat", report, line),
        "lon": _number(cells["lon"], "lon", report, line),
        "timezone": timezone,
        "opening_hours": _hours(cells["opening_hours"], report, line),
    }
    # the same rules as every other way in (an empty required cell is reported above)
    given = {field: value for field, value in row.items() if value != ""}
    for column, messages in field_errors(rules.LOCATION, given).items():
        for message in messages:
            report.add(line, f"{column}: {message}")
    return row


def _codes(session: Session, report: Report) -> None:
    taken = set(session.scalars(select(Location.code)))
    seen: dict[str, int] = {}
    for line, row in enumerate(report.rows, start=2):
        code = row["code"]
        if code in taken:
            report.add(line, f"code: {code!r} exists already.")
        elif code in seen:
            report.add(line, f"code: {code!r} repeats line {seen[code]}.")
        seen.setdefault(code, line)


def check(session: Session, text: str) -> Report:
    """Parse and check every row of a CSV (header: code,name,region,...); two queries."""
    report = Report()
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        report.add(1, f"header: missing column(s) {', '.join(missing)}.")
        return report
    regions = {name: rid for rid, name in session.execute(select(Region.id, Region.name))}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            report.add(line, f"file: at most {MAX_ROWS} rows per import.")
            break
        report.rows.append(_row(raw, line, regions, report))
    if not report.rows and not report.errors:
        report.add(1, "file: no rows to import.")
    _codes(session, report)
    return report


def import_locations(session: Session, actor: User, text: str) -> Report:
    """Create every row's location, or none when any row is wrong (the caller commits)."""
    report = check(session, text)
    if not report.errors:
        for row in report.rows:
            organisation.create_location(session, actor, row)
    return report
