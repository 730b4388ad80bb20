"""Reviewing audits: the queue, bulk approval, an audit with what changed since it was returned,
review decisions, answer corrections (corrective actions: web/actions.py)."""

import uuid
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditor import access
from auditor.audits import lifecycle, listing, revisions
from auditor.audits import review as reviewing
from auditor.core.errors import DomainError, Invalid, NotFound
from auditor.core.extensions import db
from auditor.disputes import listing as disputes
from auditor.insights import charts
from auditor.models.trust import SIGNAL_CODES
from auditor.web.pages import page_of, roles

bp = Blueprint("review", __name__, url_prefix="/manager")
MANAGERS = ("admin", "manager")
PAGE = 100
BULK = 100  # audits one bulk approval lists, oldest first
DECISIONS = {"approve": "Approved", "return": "Returned to the auditor", "reject": "Rejected"}
# the API's limits (api/audits.py ReviewSchema, CorrectionSchema): one rule at both doors
NOTE_MAX, QUESTION_NOTE_MAX, COMMENT_MAX, REASON_MAX = 5000, 2000, 2000, 2000


@bp.get("/review")
@roles(*MANAGERS)
def queue():
    """Submitted audits waiting for review, oldest first, a page at a time, with their signals,
    resubmissions marked, and a form approving those without signals at once."""
    signal = _signal_filter(request.args.get("signal"))
    stmt = listing.review_queue(current_user, signal=signal)
    page = page_of(db.session, stmt, PAGE)
    # bulk approval is offered on the unfiltered queue: a filtered one shows flagged audits
    unflagged = (
        []
        if signal
        else db.session.scalars(listing.unflagged_queue(current_user).limit(BULK)).all()
    )
    return render_template(
        "manager/queue.html",
        waiting=page.items,
        total=page.total,
        page=page,
        signal=signal,
        codes=SIGNAL_CODES,
        resubmitted=reviewing.resubmitted,
        unflagged=unflagged,
        bulk=BULK,
    )


def _signal_filter(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw not in SIGNAL_CODES:  # as an unknown checklist key: nothing to list, no query
        raise NotFound("No such signal; the signals are " + ", ".join(SIGNAL_CODES) + ".")
    return raw


@bp.post("/review/approvals")
@roles(*MANAGERS)
def approve_many():
    """Approve the listed audits without signals, once the count was confirmed."""
    ids = _audit_ids(request.form.getlist("audits"))
    if request.form.get("confirm") != str(len(ids)) or not ids:
        flash("Tick “approve these audits” to approve them.", "error")
        return redirect(url_for("review.queue"))
    outcome = lifecycle.approve_listed(db.session, current_user, ids)
    db.session.commit()
    flash(f"Approved {outcome['approved']} of {len(ids)} audits.", "info")
    for skipped in outcome["skipped"]:
        flash(f"Not approved: audit {skipped['uuid']}: {skipped['reason']}", "error")
    return redirect(url_for("review.queue"))


def _audit_ids(raw: list[str]) -> list[uuid.UUID]:
    """Distinct audit UUIDs from a form; a malformed one or too many answer 422."""
    if len(raw) > BULK:
        message = f"At most {BULK} audits at once."
        raise Invalid({"audits": [message]}, message)
    try:
        return list(dict.fromkeys(uuid.UUID(value) for value in raw))
    except ValueError:
        raise Invalid({"audits": ["Not an audit id."]}, "Not an audit id.") from None


@bp.get("/audits/<uuid:audit_id>")
@roles(*MANAGERS)
def audit(audit_id: uuid.UUID):
    """An audit: what changed since it was returned, the reviewer's notes, its signals,
    answers with points, section scores, photos, the forms to review and correct; printable."""
    found = access.get_audit_for(db.session, current_user, audit_id, details=True)
    definition = lifecycle.definition_for(db.session, found)
    photos: dict = {}
    for photo in found.photos:
        photos.setdefault(photo.question_key, []).append(photo)
    history = revisions.history(db.session, found)  # with who made each, in one query
    submits = sum(1 for revision in history if revision.kind == "submit")
    return render_template(
        "manager/audit.html",
        audit=found,
        definition=definition,
        questions={q["key"]: q for s in definition["sections"] for q in s["questions"]},
        answers={answer.question_key: answer for answer in found.answers},
        photos=photos,
        sections={row.section_key: row.score for row in found.section_scores},
        changes=revisions.latest_changes(found) if submits > 1 else None,
        history=history,
        disputes=disputes.of_audit(db.session, found.id),
        charts=charts,
    )


@bp.post("/audits/<uuid:audit_id>/review")
@roles(*MANAGERS)
def review(audit_id: uuid.UUID):
    """Approve, return with a note and notes per question, or reject with a note."""
    found = access.get_audit_for(db.session, current_user, audit_id, lock=True, details=True)
    decision = request.form.get("decision", "")
    if decision not in DECISIONS:
        flash("Choose approve, return or reject.", "error")
        return redirect(url_for("review.audit", audit_id=audit_id))
    try:
        note = _text(request.form, "note", NOTE_MAX)
        questions = (_question_notes(request.form) or None) if decision == "return" else None
        lifecycle.review(db.session, current_user, found, decision, note, questions=questions)
    except DomainError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return redirect(url_for("review.audit", audit_id=audit_id))
    db.session.commit()
    when = f", {found.finished_at:%Y-%m-%d}" if found.finished_at else ""
    flash(f"{DECISIONS[decision]}: {found.location.name}{when}.", "info")
    return redirect(url_for("review.queue"))


def _question_notes(form: Mapping[str, str]) -> dict[str, str]:
    """The per-question notes of a return (fields `question-<key>`), the blank ones left out."""
    prefix = "question-"
    notes = {
        name.removeprefix(prefix): _text(form, name, QUESTION_NOTE_MAX).strip()
        for name in form
        if name.startswith(prefix)
    }
    return {key: note for key, note in notes.items() if note}


def _text(form: Mapping[str, str], name: str, limit: int) -> str:
    """A text field of a form; longer than `limit` characters answers 422 (nothing is cut)."""
    value = form.get(name, "")
    if len(value) > limit:
        raise Invalid({name: [f"At most {limit} characters."]}, f"At most {limit} characters.")
    return value


@bp.post("/audits/<uuid:audit_id>/answers/<question>")
@roles(*MANAGERS)
def correct(audit_id: uuid.UUID, question: str):
    """Correct one answer of a submitted audit, with a reason; back to the audit."""
    found = access.get_audit_for(db.session, current_user, audit_id, lock=True, details=True)
    definition = lifecycle.definition_for(db.session, found)
    asked = {q["key"]: q for s in definition["sections"] for q in s["questions"]}
    if question not in asked:
        raise NotFound(f"No question {question!r} in this audit's checklist.")
    try:
        data = _answer_of(asked[question], request.form)
        reason = _text(request.form, "reason", REASON_MAX)
        lifecycle.correct_answer(db.session, current_user, found, question, data, reason)
    except DomainError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return redirect(url_for("review.audit", audit_id=audit_id))
    db.session.commit()
    score = "no score" if found.score_overall is None else f"{found.score_overall:.1f}"
    flash(f"Corrected “{asked[question]['text']}”: the audit now scores {score}.", "info")
    return redirect(url_for("review.audit", audit_id=audit_id))


def _answer_of(question: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The answer a correction form gives, its value typed as the question's type needs."""
    na = form.get("na") == "on"
    raw = (form.get("value") or "").strip()
    data = {"na": na, "comment": _text(form, "comment", COMMENT_MAX), "value": None}
    if na or not raw:
        return data
    kind = question["type"]
    if kind == "yes_no":
        if raw not in ("yes", "no"):
            raise Invalid({"value": ["Choose yes or no."]})
        data["value"] = raw == "yes"
    elif kind in ("scale", "numeric"):
        data["value"] = _number(raw, whole=kind == "scale")
    else:
        data["value"] = raw
    return data


def _number(raw: str, *, whole: bool) -> int | float:
    """A number typed into a form: a whole number where the question wants one."""
    try:
        number = float(raw)
    except ValueError:
        raise Invalid({"value": ["Enter a number."]}) from None
    if number.is_integer() and abs(number) < 2**53:
        return int(number)
    if whole:
        raise Invalid({"value": ["Enter a whole number."]})
    return number


def _message(error: DomainError) -> str:
    parts = [m for messages in (error.errors or {}).values() for m in messages]
    return " ".join(parts) or error.detail
