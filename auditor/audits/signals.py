"""Visit-confidence signals (DESIGN §10.3): what makes a reviewer look twice, never a refusal.

`refresh` computes an audit's signals and stores them as rows (with the folded texts that
`text_copied` compares), at submit and when its photos change; lists read the rows and never
recompute. One signal per code, its `detail` naming the other audit or the measured value.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, union_all
from sqlalchemy.orm import Session

from auditor.models import Audit, AuditSignal, AuditText, Photo, utcnow
from auditor.models.trust import SIGNAL_CODES
from auditor.org.geo import PROOF_OF_VISIT_M
from auditor.org.hours import WEEKDAYS
from auditor.photos import phash

PHOTO_SLACK = timedelta(minutes=10)
LATE_SUBMIT = timedelta(days=7)
REUSE_DISTANCE = 6
MIN_TEXT = 40
_SPACES = re.compile(r"\s+")
_MAX_NAMED = 3  # other audits named in one detail; the rest are counted

__all__ = ["SIGNAL_CODES", "fold", "refresh", "visit_signals"]


def refresh(session: Session, audit: Audit, definition: Mapping[str, Any]) -> list[AuditSignal]:
    """Recompute and store the (loaded, locked) audit's signals and folded texts."""
    found = dict(visit_signals(audit, definition))
    found.update(_photo_time(audit))
    found.update(_photo_reused(session, audit))
    found.update(_text_copied(session, audit))
    # by code, as the relationship reads them back
    rows = [AuditSignal(code=code, detail=found[code]) for code in sorted(found)]
    audit.signals = rows
    return rows


def visit_signals(audit: Audit, definition: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """The signals read off the audit's own fields: distance, length and timestamps."""
    if audit.distance_m is not None and audit.distance_m > PROOF_OF_VISIT_M:
        yield "far_from_location", f"{audit.distance_m:.0f} m from the location"
    started, finished = audit.started_at, audit.finished_at
    minimum = definition.get("min_minutes") or 0
    if started and finished and finished - started < timedelta(minutes=minimum):
        minutes = (finished - started).total_seconds() / 60
        yield "short_visit", f"{minutes:.1f} minutes (minimum {minimum})"
    odd = _odd_timestamps(audit)
    if odd:
        yield "odd_timestamps", "; ".join(odd)


def _odd_timestamps(audit: Audit) -> list[str]:
    found = []
    hours, zone = audit.location.opening_hours, ZoneInfo(audit.location.timezone)
    if hours and audit.started_at:
        for label, moment in (("started", audit.started_at), ("finished", audit.finished_at)):
            if moment is not None and not is_open(hours, moment.astimezone(zone)):
                local = moment.astimezone(zone)
                found.append(f"{label} {local:%a %H:%M} local time, outside opening hours")
    if audit.finished_at and audit.submitted_at:
        late = audit.submitted_at - audit.finished_at
        if late > LATE_SUBMIT:
            found.append(f"submitted {late.total_seconds() / 86400:.1f} days after the visit")
    return found


def is_open(hours: Mapping[str, list[str]], local: datetime) -> bool:
    """Whether a local time falls in opening hours; a day left out is closed, and hours that
    close at or before they open run past midnight."""
    clock = f"{local:%H:%M}"
    today, yesterday = WEEKDAYS[local.weekday()], WEEKDAYS[local.weekday() - 1]
    if today in hours:
        opens, closes = hours[today]
        if opens <= clock and (clock <= closes or closes <= opens):
            return True
    if yesterday in hours:
        opens, closes = hours[yesterday]
        return closes <= opens and clock <= closes
    return False


def _photo_time(audit: Audit) -> Iterable[tuple[str, str]]:
    if audit.started_at is None:
        return
    first = audit.started_at - PHOTO_SLACK
    last = (audit.finished_at or utcnow()) + PHOTO_SLACK
    outside = []
    for photo in audit.photos:
        if photo.taken_at is None or first <= photo.taken_at <= last:
            continue
        if photo.taken_at < first:
            gap = audit.started_at - photo.taken_at
            outside.append(f"photo {photo.id} taken {_minutes(gap)} before the visit")
        else:
            gap = photo.taken_at - (audit.finished_at or utcnow())
            outside.append(f"photo {photo.id} taken {_minutes(gap)} after the visit")
    if outside:
        yield "photo_time_outside_visit", "; ".join(outside)


def _minutes(gap: timedelta) -> str:
    minutes = gap.total_seconds() / 60
    return f"{minutes:.0f} minutes" if minutes < 120 else f"{minutes / 60:.1f} hours"


def _photo_reused(session: Session, audit: Audit) -> Iterable[tuple[str, str]]:
    hashes = {photo.id: photo.phash for photo in audit.photos if photo.phash is not None}
    if not hashes:
        return
    matches = {}
    for other, other_hash in similar_photos(session, list(hashes.values()), audit.id):
        best = min(phash.distance(other_hash, mine) for mine in hashes.values())
        matches[other] = min(best, matches.get(other, best))
    if matches:
        named = sorted(matches, key=lambda other: (matches[other], str(other)))
        yield "photo_reused", _naming("a photo of audit", named, matches)


def similar_photos(
    session: Session, hashes: list[int], audit_id: Any, limit: int = REUSE_DISTANCE
) -> list[tuple[Any, int]]:
    """(audit id, hash) of other audits' photos within `limit` bits of any of `hashes`.

    One indexed query: some quarter of a match differs in at most one bit (phash.neighbours),
    so candidates come by quarter and the exact distance is checked here.
    """
    wanted: list[set[int]] = [set(), set(), set(), set()]
    for value in hashes:
        for index, quarter in enumerate(phash.quarters(value)):
            wanted[index].update(phash.neighbours(quarter))
    columns = (Photo.phash_q0, Photo.phash_q1, Photo.phash_q2, Photo.phash_q3)
    # one branch per quarter, each read from its covering index alone (an OR would fetch rows)
    stmt = union_all(
        *(
            select(Photo.audit_id, Photo.phash).where(column.in_(sorted(values)))
            for column, values in zip(columns, wanted, strict=True)
        )
    )
    found = dict.fromkeys(tuple(row) for row in session.execute(stmt))  # a row per quarter hit
    return [
        (other, value)
        for other, value in found
        if other != audit_id and any(phash.distance(value, mine) <= limit for mine in hashes)
    ]


def fold(text: str) -> str:
    """Text as `text_copied` compares it: lower-cased, whitespace runs one space, trimmed."""
    return _SPACES.sub(" ", text.lower()).strip()


def _texts(audit: Audit) -> dict[str, str]:
    """The audit's comments and notes of at least MIN_TEXT folded characters, by source."""
    sources = {answer.question_key: answer.comment for answer in audit.answers}
    sources["notes"] = audit.notes
    folded = {source: fold(text or "") for source, text in sources.items()}
    return {
        source: hashlib.sha256(text.encode()).hexdigest()
        for source, text in folded.items()
        if len(text) >= MIN_TEXT
    }


def _text_copied(session: Session, audit: Audit) -> Iterable[tuple[str, str]]:
    digests = _texts(audit)
    session.execute(delete(AuditText).where(AuditText.audit_id == audit.id))
    session.add_all(
        AuditText(audit_id=audit.id, source=source, digest=digest)
        for source, digest in digests.items()
    )
    if not digests:
        return
    stmt = select(AuditText.audit_id).where(
        AuditText.digest.in_(sorted(set(digests.values()))), AuditText.audit_id != audit.id
    )
    others = sorted({str(other) for other in session.scalars(stmt)})
    if others:
        yield "text_copied", _naming("text of audit", others, None)


def _naming(what: str, others: list, distances: Mapping | None) -> str:
    """`what` <uuid> (distance d), ... for the first few others, and how many more."""
    parts = [
        f"{what} {other}" + (f" (distance {distances[other]})" if distances else "")
        for other in others[:_MAX_NAMED]
    ]
    if len(others) > _MAX_NAMED:
        parts.append(f"and {len(others) - _MAX_NAMED} more")
    return "; ".join(parts)
