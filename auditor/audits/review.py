"""Review with quality control (DESIGN §10.2): approve, return with notes per question, reject;
a reviewer's correction of one answer; bulk approval of audits without signals.

Takes audits as `access` loaded and locked them; `lifecycle` re-exports these functions.
"""

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from auditor.audits import actions, listing, revisions, signals
from auditor.audits.answers import (
    apply_answers,
    check_answers,
    definition_for,
    questions_by_key,
    rescore,
    scoring_answers,
)
from auditor.checklists import scoring
from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid
from auditor.models import Audit, User, utcnow
from auditor.notify.events import publish

DECISIONS = ("approve", "return", "reject")
STATUS_AFTER = {"approve": "approved", "return": "returned", "reject": "rejected"}
NOTE_NEEDED = {"return": "Say what to fix when returning an audit.", "reject": "Say why."}


def resubmitted(audit: Audit) -> bool:
    """Whether a submitted audit comes back after its reviewer returned it."""
    return audit.status == "submitted" and audit.review_decision == "return"


def _submitted(audit: Audit, doing: str) -> None:
    if audit.status != "submitted":
        raise Conflict(f"Only submitted audits are {doing}; this one is {audit.status}.")


def _question_notes(
    definition: Mapping, decision: str, questions: Mapping[str, Any] | None
) -> dict[str, str]:
    """The per-question notes of a return, trimmed; 422 for a key the checklist lacks, a blank
    note, or notes given with another decision."""
    if not questions:
        return {}
    if decision != "return":
        raise Invalid({"questions": ["Notes per question come only with a return."]})
    known = questions_by_key(definition)
    errors: dict[str, list[str]] = {}
    notes: dict[str, str] = {}
    for key, note in questions.items():
        text = note.strip() if isinstance(note, str) else ""
        if key not in known:
            errors[f"questions.{key}"] = ["No such question in this checklist."]
        elif not text:
            errors[f"questions.{key}"] = ["Write a note, or leave the question out."]
        notes[key] = text
    if errors:
        raise Invalid(errors, "Some question notes are invalid: see errors.")
    return notes


def review(
    session: Session,
    reviewer: User,
    audit: Audit,
    decision: str,
    note: str | None,
    questions: Mapping[str, str] | None = None,
) -> Audit:
    """Approve (raising corrective actions), return with notes, or reject with a reason a
    submitted (locked) audit."""
    _submitted(audit, "reviewed")
    if decision not in DECISIONS:
        raise Invalid({"decision": [f"Must be one of {', '.join(DECISIONS)}."]})
    note = (note or "").strip()
    if decision in NOTE_NEEDED and not note:
        raise Invalid({"note": [NOTE_NEEDED[decision]]})
    definition = definition_for(session, audit)
    notes = _question_notes(definition, decision, questions)
    audit.status, audit.review_decision = STATUS_AFTER[decision], decision
    audit.review_note, audit.review_questions = note, notes
    audit.reviewed_at, audit.reviewed_by = utcnow(), reviewer
    if decision == "approve":
        actions.raise_for(session, audit, definition, rescore(audit, definition))
    detail = {"note": note, "questions": notes} if notes else {"note": note}
    audit_log.record(session, reviewer, f"audit.{audit.status}", "audit", audit.id, **detail)
    publish(f"audit.{audit.status}", audit_id=audit.id)  # approved, returned or rejected
    return audit


def _corrected(audit: Audit, question: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The answer as corrected: the fields given, the rest as they were."""
    current = next((a for a in audit.answers if a.question_key == question), None)
    merged = {"question": question, "value": None, "na": False, "comment": ""}
    if current is not None:
        merged.update(value=current.value, na=current.na, comment=current.comment)
    merged.update({k: data[k] for k in ("value", "na", "comment") if k in data})
    return merged


def correct_answer(
    session: Session,
    reviewer: User,
    audit: Audit,
    question: str,
    data: Mapping[str, Any],
    reason: str | None,
) -> Audit:
    """Correct one answer of a submitted (locked) audit, with a reason: rescore, record a
    correction revision and an audit-log entry."""
    _submitted(audit, "corrected")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": ["Say why the answer is corrected."]})
    return apply_correction(session, reviewer, audit, question, data, reason)


def apply_correction(
    session: Session,
    actor: User,
    audit: Audit,
    question: str,
    data: Mapping[str, Any],
    reason: str,
    kind: str = "correction",
    **logged: Any,
) -> Audit:
    """Change one answer of a (locked) audit whatever its status: check it, rescore, refresh the
    signals, record a revision of `kind` and an `audit.correct` log entry. A reviewer's
    correction and an upheld dispute (DESIGN §10.4) both come this way."""
    definition = definition_for(session, audit)
    answer = _corrected(audit, question, data)
    check_answers(definition, [answer], {"visit", "post_visit"})
    before = revisions.snapshot(audit)
    apply_answers(audit, [answer])
    # a correction must leave a submittable audit: no required answer taken away
    missing = scoring.submit_errors(definition, scoring_answers(audit), _photo_counts(audit))
    if question in missing:
        raise Invalid({question: missing[question]}, "The corrected answer is incomplete.")
    rescore(audit, definition)
    signals.refresh(session, audit, definition)  # a corrected comment may be a copied text
    revision = revisions.record(session, audit, actor, kind, before, reason)
    audit_log.record(
        session,
        actor,
        "audit.correct",
        "audit",
        audit.id,
        question=question,
        reason=reason,
        changes=revision.changes,
        score=audit.score_overall,
        **logged,
    )
    return audit


def _photo_counts(audit: Audit) -> dict[str, int]:
    counts: dict[str, int] = {}
    for photo in audit.photos:
        if photo.question_key:
            counts[photo.question_key] = counts.get(photo.question_key, 0) + 1
    return counts


def approval_refusal(audit: Audit) -> str | None:
    """Why bulk approval passes over an audit (None when it may be approved in bulk)."""
    if audit.status != "submitted":
        return f"The audit is {audit.status}."
    if audit.signals:
        codes = ", ".join(sorted({signal.code for signal in audit.signals}))
        return f"The audit has signals ({codes}): review it on its own."
    return None


def approve_many(session: Session, reviewer: User, audits: Iterable[Audit]) -> int:
    """Approve the given (loaded, locked) submitted audits that have no signals; answers how
    many were approved."""
    approved = 0
    for audit in audits:
        if approval_refusal(audit) is None:
            review(session, reviewer, audit, "approve", None)
            approved += 1
    return approved


def approve_listed(
    session: Session, reviewer: User, audit_ids: Iterable[uuid.UUID]
) -> dict[str, Any]:
    """Approve in bulk the named audits that are submitted, in the reviewer's scope and without
    signals: `{"approved": N, "skipped": [{"uuid", "reason"}]}` (the rest, in the given order)."""
    wanted = list(dict.fromkeys(audit_ids))  # a uuid named twice is approved once
    found = {a.id: a for a in session.scalars(listing.chosen_for_review(reviewer, wanted)).unique()}
    skipped = []
    for audit_id in wanted:
        audit = found.get(audit_id)
        reason = "Not found." if audit is None else approval_refusal(audit)
        if reason is not None:
            skipped.append({"uuid": audit_id, "reason": reason})
    approved = approve_many(session, reviewer, found.values())
    return {"approved": approved, "skipped": skipped}
