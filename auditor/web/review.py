"""Reviewing audits and following up corrective actions: the queue, an audit, actions."""

import uuid

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditor import access
from auditor.audits import actions as corrective_actions
from auditor.audits import evidence, lifecycle, listing
from auditor.audits.photos import PhotoLimits
from auditor.core.errors import DomainError
from auditor.core.extensions import db
from auditor.insights import charts
from auditor.web.pages import page_of, roles

bp = Blueprint("review", __name__, url_prefix="/manager")
MANAGERS = ("admin", "manager")
PAGE = 100


@bp.get("/review")
@roles(*MANAGERS)
def queue():
    """Submitted audits waiting for review, oldest first, a page at a time."""
    page = page_of(db.session, listing.review_queue(current_user), PAGE)
    return render_template("manager/queue.html", waiting=page.items, total=page.total, page=page)


@bp.get("/audits/<uuid:audit_id>")
@roles(*MANAGERS)
def audit(audit_id: uuid.UUID):
    """An audit: answers with points, section scores, photos; printable."""
    found = access.get_audit_for(db.session, current_user, audit_id, details=True)
    definition = lifecycle.definition_for(db.session, found)
    answers = {answer.question_key: answer for answer in found.answers}
    photos: dict = {}
    for photo in found.photos:
        photos.setdefault(photo.question_key, []).append(photo)
    return render_template(
        "manager/audit.html",
        audit=found,
        definition=definition,
        answers=answers,
        photos=photos,
        sections={row.section_key: row.score for row in found.section_scores},
        charts=charts,
    )


@bp.post("/audits/<uuid:audit_id>/review")
@roles(*MANAGERS)
def review(audit_id: uuid.UUID):
    """Approve, or return with a note; back to the queue with a message."""
    found = access.get_audit_for(db.session, current_user, audit_id, lock=True, details=True)
    decision = request.form.get("decision", "")
    if decision not in ("approve", "return"):
        flash("Choose approve or return.", "error")
        return redirect(url_for("review.audit", audit_id=audit_id))
    try:
        lifecycle.review(
            db.session, current_user, found, decision, request.form.get("note", "")[:5000]
        )
    except DomainError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return redirect(url_for("review.audit", audit_id=audit_id))
    db.session.commit()
    verb = "Approved" if decision == "approve" else "Returned to the auditor"
    when = f", {found.finished_at:%Y-%m-%d}" if found.finished_at else ""
    flash(f"{verb}: {found.location.name}{when}.", "info")
    return redirect(url_for("review.queue"))


def _message(error: DomainError) -> str:
    parts = [m for messages in (error.errors or {}).values() for m in messages]
    return " ".join(parts) or error.detail


@bp.get("/actions")
@roles(*MANAGERS)
def actions():
    """Corrective actions in scope, soonest due first, a page at a time."""
    status = request.args.get("status", "open")
    stmt = corrective_actions.follow_up_listing(
        current_user, status if status in ("open", "done") else None
    )
    page = page_of(db.session, stmt, PAGE)
    return render_template("manager/actions.html", items=page.items, status=status, page=page)


@bp.post("/actions/<int:action_id>")
@roles(*MANAGERS)
def resolve(action_id: int):
    """Resolve an action with a note and, optionally, an evidence photo."""
    action = access.get_action_for(db.session, current_user, action_id)
    upload = request.files.get("photo")
    data = upload.read() if upload and upload.filename else None
    limits = PhotoLimits.from_config(current_app.config)
    storage = current_app.extensions["media"]
    try:
        evidence.resolve(
            db.session, storage, current_user, action, request.form.get("note", ""), data, limits
        )
    except DomainError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return redirect(url_for("review.actions"))
    db.session.commit()
    flash(f"Resolved: {action.reason}", "info")
    return redirect(url_for("review.actions"))
