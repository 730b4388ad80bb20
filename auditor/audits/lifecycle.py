"""The audit life cycle (DESIGN §2): save a draft, submit, review, record post-visit answers.

Every change locks the audit's row first, so concurrent retries of one request serialise and
end in one audit: a PUT creates with INSERT ... ON CONFLICT DO NOTHING and then locks.
"""

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload, selectinload

from auditor.audits import actions
from auditor.checklists import scoring, versions
from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid, NotFound
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
FIELDS = ("started_at", "finished_at", "notes")


def definition_for(session: Session, checklist_id: int) -> dict[str, Any]:
    """The definition an audit was made with (three queries)."""
    stmt = versions.with_questions(select(Checklist).where(Checklist.id == checklist_id))
    return versions.definition_of(session.scalars(stmt).one())


def _questions_by_key(definition: Mapping) -> dict[str, tuple[Mapping, Mapping]]:
    return {q["key"]: (s, q) for s in definition["sections"] for q in s["questions"]}


def scoring_answers(audit: Audit) -> dict[str, scoring.Answer]:
    """The audit's answers as the scoring engine takes them."""
    return {a.question_key: scoring.Answer(value=a.value, na=a.na) for a in audit.answers}


def rescore(audit: Audit, definition: Mapping) -> scoring.AuditScore:
    """Score the audit and store the result on it, its answers and its section rows."""
    result = scoring.score_audit(definition, scoring_answers(audit))
    audit.score_overall, audit.critical_failed = result.overall, result.critical_failed
    for answer in audit.answers:
        question = result.questions.get(answer.question_key)
        answer.earned = question.earned if question else None
        answer.possible = question.possible if question else None
    rows = {row.section_key: row for row in audit.section_scores}
    for key, value in result.sections.items():
        if key in rows:
            rows[key].score = value
        else:
            audit.section_scores.append(AuditSectionScore(section_key=key, score=value))
    for key, row in rows.items():
        if key not in result.sections:
            audit.section_scores.remove(row)
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


def _apply_answers(audit: Audit, answers: Iterable[Mapping], *, replace: bool) -> None:
    existing = {row.question_key: row for row in audit.answers}
    given = {a["question"]: a for a in answers}
    if replace:
        for key, row in existing.items():
            if key not in given:
                audit.answers.remove(row)
    for key, data in given.items():
        row = existing.get(key)
        if row is None:
            row = Answer(question_key=key)
            audit.answers.append(row)
        row.value = data.get("value")
        row.na = data.get("na", False)
        row.comment = data.get("comment") or ""


def _reference(session: Session, model, ident: int | None, field: str):
    found = session.get(model, ident) if ident is not None else None
    if found is None:
        raise Invalid({field: [f"Unknown {field.removesuffix('_id')} {ident}."]})
    return found


def _check_references(session: Session, auditor: User, data: Mapping) -> None:
    checklist = _reference(session, Checklist, data["checklist_id"], "checklist_id")
    if checklist.status != "published":
        raise Invalid({"checklist_id": [f"Unknown checklist {checklist.id}."]})
    location = _reference(session, Location, data["location_id"], "location_id")
    if not location.active:
        raise Invalid({"location_id": [f"Location {location.code} is not active."]})
    if data.get("assignment_id") is not None:
        assignment = session.get(Assignment, data["assignment_id"])
        if assignment is None or assignment.auditor_id != auditor.id:
            raise Invalid({"assignment_id": [f"Unknown assignment {data['assignment_id']}."]})
        if assignment.location_id != location.id or assignment.checklist.key != checklist.key:
            raise Invalid(
                {"assignment_id": ["The assignment is for another location or checklist."]}
            )
        if assignment.status == "cancelled":
            raise Invalid({"assignment_id": ["The assignment was cancelled."]})


def _staff(session: Session, staff_ids: list[int], location_id: int) -> list[User]:
    wanted = set(staff_ids)
    found = session.scalars(
        select(User).where(
            User.id.in_(wanted), User.role == "staff", User.location_id == location_id
        )
    ).all()
    missing = wanted - {user.id for user in found}
    if missing:
        raise Invalid(
            {"staff_ids": [f"User {i} is not staff at this location." for i in sorted(missing)]}
        )
    return list(found)


def _check_times(started: datetime | None, finished: datetime | None) -> None:
    if started and finished and finished < started:
        raise Invalid({"finished_at": ["Must not be before started_at."]})


def _set_geo(session: Session, audit: Audit, geo: Mapping | None) -> None:
    audit.geo_lat, audit.geo_lon, audit.geo_accuracy = (
        (geo["lat"], geo["lon"], geo.get("accuracy")) if geo else (None, None, None)
    )
    location = session.get(Location, audit.location_id)
    if geo and location.lat is not None and location.lon is not None:
        audit.distance_m = haversine_m(geo["lat"], geo["lon"], location.lat, location.lon)
    else:
        audit.distance_m = None
    audit.far_from_location = audit.distance_m is not None and audit.distance_m > PROOF_OF_VISIT_M


def _insert_if_absent(session: Session, values: Mapping[str, Any]) -> bool:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Audit).values(**values).on_conflict_do_nothing(index_elements=["id"])
    # RETURNING tells whether this statement inserted (psycopg reports no rowcount here)
    return session.execute(stmt.returning(Audit.id)).first() is not None


def _lock(session: Session, audit_id: uuid.UUID) -> Audit | None:
    stmt = select(Audit).where(Audit.id == audit_id).with_for_update()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()


def lock_own(session: Session, auditor: User, audit_id: uuid.UUID) -> Audit:
    """The auditor's own audit, its row locked for the change; 404 for anyone else's."""
    audit = _lock(session, audit_id)
    if audit is None or audit.auditor_id != auditor.id:
        raise NotFound(f"Audit {audit_id} not found.")
    return audit


def _editable_own(audit: Audit | None, auditor: User, audit_id: uuid.UUID) -> Audit:
    if audit is None or audit.auditor_id != auditor.id:
        raise NotFound(f"Audit {audit_id} not found.")
    if audit.status not in EDITABLE:
        raise Conflict(f"The audit is {audit.status}; only drafts and returned audits change.")
    return audit


def save_audit(
    session: Session, auditor: User, audit_id: uuid.UUID, data: Mapping[str, Any]
) -> tuple[Audit, bool]:
    """Create or replace a draft or returned audit (PUT); answers it and whether it is new."""
    _check_times(data.get("started_at"), data.get("finished_at"))
    audit = _lock(session, audit_id)
    created = audit is None
    if created:
        _check_references(session, auditor, data)
        created = _insert_if_absent(
            session,
            {
                "id": audit_id,
                "auditor_id": auditor.id,
                "location_id": data["location_id"],
                "checklist_id": data["checklist_id"],
                "status": "draft",
                "staff_names": [],
            },
        )
        audit = _lock(session, audit_id)
    audit = _editable_own(audit, auditor, audit_id)
    if not created:
        _check_references(session, auditor, data)
    definition = definition_for(session, data["checklist_id"])
    _check_answers(definition, data.get("answers", []), {"visit", "post_visit"})
    audit.checklist_id, audit.location_id = data["checklist_id"], data["location_id"]
    audit.assignment_id = data.get("assignment_id")
    for field in FIELDS:
        setattr(audit, field, data.get(field) or ("" if field == "notes" else None))
    audit.staff = _staff(session, data.get("staff_ids", []), audit.location_id)
    audit.staff_names = list(data.get("staff_names", []))
    _set_geo(session, audit, data.get("geo"))
    _apply_answers(audit, data.get("answers", []), replace=True)
    rescore(audit, definition)
    audit_log.record(
        session,
        auditor,
        "audit.create" if created else "audit.update",
        "audit",
        audit.id,
        answers=len(audit.answers),
    )
    return audit, created


def submit(session: Session, auditor: User, audit_id: uuid.UUID) -> Audit:
    """Check completeness, score and submit; a repeated submit changes nothing."""
    audit = lock_own(session, auditor, audit_id)
    if audit.status not in EDITABLE:
        return audit
    definition = definition_for(session, audit.checklist_id)
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
    """Approve (raising corrective actions) or return with a note a submitted audit."""
    if audit.status != "submitted":
        raise Conflict(f"Only submitted audits are reviewed; this one is {audit.status}.")
    note = (note or "").strip()
    if decision == "return" and not note:
        raise Invalid({"note": ["Say what to fix when returning an audit."]})
    audit.status = "approved" if decision == "approve" else "returned"
    audit.reviewed_at, audit.reviewed_by_id, audit.review_note = utcnow(), reviewer.id, note
    if decision == "approve":
        definition = definition_for(session, audit.checklist_id)
        actions.raise_for(session, audit, definition, rescore(audit, definition))
    audit_log.record(session, reviewer, f"audit.{audit.status}", "audit", audit.id, note=note)
    return audit


def record_post_visit(
    session: Session, auditor: User, audit_id: uuid.UUID, answers: list[Mapping]
) -> Audit:
    """Add or change post-visit answers within the checklist's follow-up window; rescore."""
    audit = lock_own(session, auditor, audit_id)
    definition = definition_for(session, audit.checklist_id)
    _check_answers(definition, answers, {"post_visit"})
    if audit.finished_at is not None:
        closes = audit.finished_at + timedelta(days=definition["follow_up_days"])
        if utcnow() > closes:
            raise Conflict(f"The follow-up window closed on {closes:%Y-%m-%d}.")
    _apply_answers(audit, answers, replace=False)
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


def with_details(stmt):
    """Everything an audit document shows, in a constant number of queries."""
    return stmt.options(
        joinedload(Audit.location),
        joinedload(Audit.auditor),
        joinedload(Audit.checklist),
        selectinload(Audit.answers),
        selectinload(Audit.photos),
        selectinload(Audit.section_scores),
        selectinload(Audit.staff),
    )
