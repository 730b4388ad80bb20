"""The audit life cycle (DESIGN §2): save a draft, submit, review, record post-visit answers.

Each function takes the audit as `access.get_audit_for(..., lock=True, details=True)` loaded
it: its row locked, so concurrent retries of one request serialise and end in one audit, and
everything its answer shows loaded up front. A PUT of a new audit inserts it with
INSERT ... ON CONFLICT DO NOTHING, so two first PUTs of one UUID still make one audit.
"""

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from auditor import access
from auditor.audits import actions
from auditor.checklists import scoring, versions
from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid
from auditor.models import (
    Answer,
    Assignment,
    Audit,
    AuditSectionScore,
    Checklist,
    Location,
    User,
    utcnow,
)
from auditor.org.geo import PROOF_OF_VISIT_M, haversine_m

EDITABLE = ("draft", "returned")
CLOCK_DRIFT = timedelta(minutes=10)  # how far ahead a phone's clock may run
MAX_VISIT = timedelta(hours=12)
FIELDS = ("started_at", "finished_at", "notes")
# a row just inserted has none of these yet: saying so up front saves a SELECT each
_CHILDREN = ("answers", "photos", "section_scores", "staff")


def definition_for(session: Session, audit: Audit) -> dict[str, Any]:
    """The definition the audit was made with (cached once published)."""
    return versions.definition_for(session, audit.checklist)


def _questions_by_key(definition: Mapping) -> dict[str, tuple[Mapping, Mapping]]:
    return {q["key"]: (s, q) for s in definition["sections"] for q in s["questions"]}


def scoring_answers(audit: Audit) -> dict[str, scoring.Answer]:
    """The audit's answers as the scoring engine takes them."""
    return {a.question_key: scoring.Answer(value=a.value, na=a.na) for a in audit.answers}


def _store_score(audit: Audit, result: scoring.AuditScore) -> None:
    """Put a score on the audit and its section rows (updating rows in place)."""
    audit.score_overall, audit.critical_failed = result.overall, result.critical_failed
    rows = {row.section_key: row for row in audit.section_scores}
    for key, value in result.sections.items():
        if key in rows:
            rows[key].score = value
        else:
            audit.section_scores.append(AuditSectionScore(section_key=key, score=value))
    for key, row in rows.items():
        if key not in result.sections:
            audit.section_scores.remove(row)


def rescore(audit: Audit, definition: Mapping) -> scoring.AuditScore:
    """Score the audit and store the result on it, its answers and its section rows."""
    result = scoring.score_audit(definition, scoring_answers(audit))
    for answer in audit.answers:
        question = result.questions.get(answer.question_key)
        answer.earned = question.earned if question else None
        answer.possible = question.possible if question else None
    _store_score(audit, result)
    return result


def _check_answers(definition: Mapping, answers: Iterable[Mapping], phases: set[str]) -> None:
    questions, errors, seen = _questions_by_key(definition), {}, set()
    for given in answers:
        key = given["question"]
        if key in seen:
            errors.setdefault(key, []).append("answered twice")
        seen.add(key)
        if key not in questions:
            errors.setdefault(key, []).append("no such question in this checklist")
            continue
        section, question = questions[key]
        if section["phase"] not in phases:
            errors.setdefault(key, []).append(f"not a {' or '.join(sorted(phases))} question")
        answer = scoring.Answer(value=given.get("value"), na=given.get("na", False))
        errors.setdefault(key, []).extend(scoring.answer_errors(question, answer))
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise Invalid(errors, "Some answers are invalid: see errors.")


def _apply_answers(audit: Audit, answers: Iterable[Mapping]) -> None:
    """Add or change some answers through the ORM (post-visit: a handful at a time)."""
    existing = {row.question_key: row for row in audit.answers}
    for data in answers:
        row = existing.get(data["question"])
        if row is None:
            row = Answer(question_key=data["question"])
            audit.answers.append(row)
        row.value, row.na = data.get("value"), data.get("na", False)
        row.comment = data.get("comment") or ""


def _replace_answers(session: Session, audit: Audit, answers: list[Mapping], definition) -> None:
    """Replace every answer and rescore (PUT): one DELETE and one batched INSERT.

    The ORM would insert the rows one statement each on SQLite (it needs each new id back and
    SQLite's RETURNING order is not guaranteed); a bulk INSERT ... RETURNING takes one.
    """
    given = {a["question"]: scoring.Answer(a.get("value"), a.get("na", False)) for a in answers}
    result = scoring.score_audit(definition, given)
    _store_score(audit, result)  # before the statements below flush the audit's one UPDATE
    if audit.answers:
        session.execute(delete(Answer).where(Answer.audit_id == audit.id))
        for old in audit.answers:
            session.expunge(old)  # its id may be reused by SQLite for a new row
    rows = [_answer_row(audit, data, result) for data in answers]
    new = session.scalars(insert(Answer).returning(Answer), rows).all() if rows else []
    set_committed_value(audit, "answers", sorted(new, key=lambda answer: answer.id))


def _answer_row(audit: Audit, data: Mapping, result: scoring.AuditScore) -> dict[str, Any]:
    question = result.questions.get(data["question"])
    return {
        "audit_id": audit.id,
        "question_key": data["question"],
        "value": data.get("value"),
        "na": data.get("na", False),
        "comment": data.get("comment") or "",
        "earned": question.earned if question else None,
        "possible": question.possible if question else None,
    }


def _checklist(session: Session, checklist_id: int) -> Checklist:
    checklist = session.get(Checklist, checklist_id)
    if checklist is None or checklist.status != "published":
        raise Invalid({"checklist_id": [f"Unknown checklist {checklist_id}."]})
    return checklist


def _location(session: Session, location_id: int) -> Location:
    location = session.get(Location, location_id)
    if location is None:
        raise Invalid({"location_id": [f"Unknown location {location_id}."]})
    if not location.active:
        raise Invalid({"location_id": [f"Location {location.code} is not active."]})
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
        raise Invalid({"assignment_id": ["The assignment was cancelled."]})
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
    location = _location(session, data["location_id"])
    assignment = _assignment(session, auditor, data, checklist, location)
    definition = versions.definition_for(session, checklist)
    _check_answers(definition, data.get("answers", []), {"visit", "post_visit"})
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
    _replace_answers(session, audit, data.get("answers", []), definition)
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
    audit.status, audit.submitted_at = "submitted", now
    if audit.assignment is not None and audit.assignment.status == "open":
        audit.assignment.status = "done"
    rescore(audit, definition)
    audit_log.record(session, auditor, "audit.submit", "audit", audit.id, score=audit.score_overall)
    return audit


def review(
    session: Session, reviewer: User, audit: Audit, decision: str, note: str | None
) -> Audit:
    """Approve (raising corrective actions) or return with a note a submitted (locked) audit."""
    if audit.status != "submitted":
        raise Conflict(f"Only submitted audits are reviewed; this one is {audit.status}.")
    note = (note or "").strip()
    if decision == "return" and not note:
        raise Invalid({"note": ["Say what to fix when returning an audit."]})
    audit.status = "approved" if decision == "approve" else "returned"
    audit.reviewed_at, audit.reviewed_by_id, audit.review_note = utcnow(), reviewer.id, note
    if decision == "approve":
        definition = definition_for(session, audit)
        actions.raise_for(session, audit, definition, rescore(audit, definition))
    audit_log.record(session, reviewer, f"audit.{audit.status}", "audit", audit.id, note=note)
    return audit


def record_post_visit(
    session: Session, auditor: User, audit: Audit, answers: list[Mapping]
) -> Audit:
    """Add or change post-visit answers of the (locked) audit within the checklist's follow-up
    window; rescore."""
    definition = definition_for(session, audit)
    _check_answers(definition, answers, {"post_visit"})
    # counted from the server's own submit time: a client's finished_at could say anything
    if audit.submitted_at is not None:
        closes = audit.submitted_at + timedelta(days=definition["follow_up_days"])
        if utcnow() > closes:
            raise Conflict(f"The follow-up window closed on {closes:%Y-%m-%d}.")
    _apply_answers(audit, answers)
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
