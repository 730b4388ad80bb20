"""The audit life cycle (DESIGN §2): save a draft, submit, review, record post-visit answers.

Each function takes the audit as `access.get_audit_for(..., lock=True, details=True)` loaded
it: its row locked, so concurrent retries of one request serialise and end in one audit, and
everything its answer shows loaded up front. A PUT of a new audit inserts it with
INSERT ... ON CONFLICT DO NOTHING, so two first PUTs of one UUID still make one audit.
"""

import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from auditor import access
from auditor.audits import actions, late_changes, revisions, signals
from auditor.audits.answers import (
    apply_answers,
    check_answers,
    definition_for,
    replace_answers,
    rescore,
    scoring_answers,
)
from auditor.audits.review import approve_listed, approve_many, correct_answer, review
from auditor.checklists import scoring, versions
from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid
from auditor.models import Assignment, Audit, Checklist, Location, User, utcnow
from auditor.notify.events import publish
from auditor.org.geo import PROOF_OF_VISIT_M, haversine_m

EDITABLE = ("draft", "returned")
CLOCK_DRIFT = timedelta(minutes=10)  # how far ahead a phone's clock may run
MAX_VISIT = timedelta(hours=12)
FIELDS = ("started_at", "finished_at", "notes")
# a row just inserted has none of these yet: saying so up front saves a SELECT each
_CHILDREN = ("answers", "photos", "section_scores", "staff", "revisions", "signals")
# what other modules take from here: the life cycle is one door, whichever module holds a step
__all__ = [
    "EDITABLE",
    "approve_listed",
    "approve_many",
    "correct_answer",
    "definition_for",
    "record_post_visit",
    "rescore",
    "review",
    "save_audit",
    "scoring_answers",
    "submit",
]


def _checklist(session: Session, checklist_id: int) -> Checklist:
    checklist = session.get(Checklist, checklist_id)
    if checklist is None or checklist.status != "published":
        raise Invalid({"checklist_id": [f"Unknown checklist {checklist_id}."]})
    return checklist


def _location(session: Session, data: Mapping) -> Location:
    location = session.get(Location, data["location_id"])
    if location is None:
        raise Invalid({"location_id": [f"Unknown location {data['location_id']}."]})
    late_changes.check_location(session, location, data)  # closed after the visit began: taken
    return location


def _assignment(
    session: Session, auditor: User, data: Mapping, checklist: Checklist, location: Location
) -> Assignment | None:
    if data.get("assignment_id") is None:
        return None
    assignment = session.get(Assignment, data["assignment_id"])
    if assignment is None or assignment.auditor_id != auditor.id:
        raise Invalid({"assignment_id": [f"Unknown assignment {data['assignment_id']}."]})
    if assignment.location_id != location.id or assignment.checklist.key != checklist.key:
        raise Invalid({"assignment_id": ["The assignment is for another location or checklist."]})
    if assignment.status == "cancelled":
        if late_changes.cancelled_before_start(session, assignment, data):
            raise Invalid({"assignment_id": ["The assignment was cancelled."]})
        return None  # cancelled while the visit was under way: an unplanned visit
    return assignment


def _staff(session: Session, staff_ids: list[int], location_id: int) -> list[User]:
    if not staff_ids:
        return []
    wanted = set(staff_ids)
    found = session.scalars(
        select(User)
        .where(User.id.in_(wanted), User.role == "staff", User.location_id == location_id)
        .order_by(User.id)
    ).all()
    missing = wanted - {user.id for user in found}
    if missing:
        raise Invalid(
            {"staff_ids": [f"User {i} is not staff at this location." for i in sorted(missing)]}
        )
    return list(found)


def _check_times(started: datetime | None, finished: datetime | None) -> None:
    """Times the world allows (DESIGN §10.1): in order, not in the future beyond a phone's
    clock drift, and one visit long at most."""
    errors: dict[str, list[str]] = {}
    latest = utcnow() + CLOCK_DRIFT
    for field, value in (("started_at", started), ("finished_at", finished)):
        if value is not None and value > latest:
            errors[field] = ["Must not be more than 10 minutes in the future."]
    if started and finished and finished < started:
        errors.setdefault("finished_at", []).append("Must not be before started_at.")
    elif started and finished and finished - started > MAX_VISIT:
        errors.setdefault("finished_at", []).append("A visit lasts at most 12 hours.")
    if errors:
        raise Invalid(errors, "The visit's times are impossible: see errors.")


def _set_geo(audit: Audit, location: Location, geo: Mapping | None) -> None:
    audit.geo_lat, audit.geo_lon, audit.geo_accuracy = (
        (geo["lat"], geo["lon"], geo.get("accuracy")) if geo else (None, None, None)
    )
    if geo and location.lat is not None and location.lon is not None:
        audit.distance_m = haversine_m(geo["lat"], geo["lon"], location.lat, location.lon)
    else:
        audit.distance_m = None
    audit.far_from_location = audit.distance_m is not None and audit.distance_m > PROOF_OF_VISIT_M


def _insert_if_absent(session: Session, auditor: User, audit_id: uuid.UUID, data: Mapping):
    """A new draft row as an ORM object, or None when a concurrent request made it first."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(Audit)
        .values(
            id=audit_id,
            auditor_id=auditor.id,
            location_id=data["location_id"],
            checklist_id=data["checklist_id"],
            status="draft",
            staff_names=[],
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(Audit)
    )
    audit = session.scalars(stmt).first()
    if audit is not None:
        for name in _CHILDREN:
            set_committed_value(audit, name, [])
    return audit


def _editable(audit: Audit) -> Audit:
    if audit.status not in EDITABLE:
        raise Conflict(f"The audit is {audit.status}; only drafts and returned audits change.")
    return audit


def save_audit(
    session: Session, auditor: User, audit_id: uuid.UUID, data: Mapping[str, Any]
) -> tuple[Audit, bool]:
    """Create or replace a draft or returned audit (PUT); answers it and whether it is new.

    Everything is read and checked before anything is written, so the audit's row takes one
    UPDATE; a new audit is inserted with ON CONFLICT DO NOTHING, so concurrent retries of one
    PUT end in one audit.
    """
    _check_times(data.get("started_at"), data.get("finished_at"))
    audit = access.find_audit_for(session, auditor, audit_id, lock=True, details=True)
    if audit is not None:
        _editable(audit)
    checklist = _checklist(session, data["checklist_id"])
    location = _location(session, data)
    assignment = _assignment(session, auditor, data, checklist, location)
    definition = versions.definition_for(session, checklist)
    check_answers(definition, data.get("answers", []), {"visit", "post_visit"})
    staff = _staff(session, data.get("staff_ids", []), location.id)
    created = audit is None
    if created:
        audit = _insert_if_absent(session, auditor, audit_id, data)
    if audit is None:  # a concurrent PUT of the same audit (or another's) won: replace or 404
        created = False
        audit = _editable(access.get_audit_for(session, auditor, audit_id, lock=True, details=True))
    audit.checklist, audit.location, audit.assignment = checklist, location, assignment
    for field in FIELDS:
        setattr(audit, field, data.get(field) or ("" if field == "notes" else None))
    audit.staff, audit.staff_names = staff, list(data.get("staff_names", []))
    _set_geo(audit, location, data.get("geo"))
    replace_answers(session, audit, data.get("answers", []), definition)
    action = "audit.create" if created else "audit.update"
    audit_log.record(session, auditor, action, "audit", audit.id, answers=len(audit.answers))
    return audit, created


def submit(session: Session, auditor: User, audit: Audit) -> Audit:
    """Check completeness, score and submit the (locked) audit; a repeated submit changes
    nothing."""
    if audit.status not in EDITABLE:
        return audit
    definition = definition_for(session, audit)
    photos = Counter(photo.question_key for photo in audit.photos if photo.question_key)
    errors = scoring.submit_errors(definition, scoring_answers(audit), photos)
    if errors:
        raise Invalid(errors, "The audit is incomplete: see errors.")
    now = utcnow()
    audit.finished_at = audit.finished_at or now
    if audit.assignment is not None and audit.assignment.status == "open":
        audit.assignment.status = "done"
    if audit.status == "draft":  # never submitted, so no revision yet: spare reading them
        set_committed_value(audit, "revisions", [])
    audit.status, audit.submitted_at = "submitted", now
    rescore(audit, definition)
    signals.refresh(session, audit, definition)
    revision = revisions.record(session, audit, auditor, "submit")
    audit_log.record(
        session,
        auditor,
        "audit.submit",
        "audit",
        audit.id,
        score=audit.score_overall,
        revision=revision.number,
    )
    publish("audit.submitted", audit_id=audit.id)
    return audit


def record_post_visit(
    session: Session, auditor: User, audit: Audit, answers: list[Mapping]
) -> Audit:
    """Add or change post-visit answers of the (locked) audit within the checklist's follow-up
    window; rescore."""
    definition = definition_for(session, audit)
    check_answers(definition, answers, {"post_visit"})
    # counted from the server's own submit time: a client's finished_at could say anything
    if audit.submitted_at is not None:
        closes = audit.submitted_at + timedelta(days=definition["follow_up_days"])
        if utcnow() > closes:
            raise Conflict(f"The follow-up window closed on {closes:%Y-%m-%d}.")
    apply_answers(audit, answers)
    result = rescore(audit, definition)
    if audit.status == "approved":
        actions.raise_for(session, audit, definition, result)
    audit_log.record(
        session,
        auditor,
        "audit.post_visit",
        "audit",
        audit.id,
        questions=sorted(a["question"] for a in answers),
        score=audit.score_overall,
    )
    return audit
