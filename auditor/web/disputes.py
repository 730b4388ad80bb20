"""Dispute pages (DESIGN §10.4): a store lead's phone-friendly view of the store's approved
audits (answers, scores, photos; other staff members' names hidden) with a dispute form on each
question, the admin's page of open disputes to uphold or reject, and the managers' dispute
rates per location and per auditor."""

import uuid
from collections.abc import Mapping

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from auditor import access
from auditor.audits.answers import definition_for
from auditor.audits.photos import PhotoLimits
from auditor.core.errors import DomainError, Forbidden, Invalid, NotFound
from auditor.core.extensions import db
from auditor.disputes import listing, opening, rates, rules, scope, settle
from auditor.insights import charts
from auditor.models import Audit, Dispute, Photo, utcnow
from auditor.photos.storage import display_key, thumb_key
from auditor.web.admin import refused, saved
from auditor.web.pages import current_filters, now, page_of, roles, scope_of
from auditor.web.review import COMMENT_MAX, NOTE_MAX, _answer_of, _text

bp = Blueprint("dispute_pages", __name__)
PER_PAGE = 30


def _lead():
    if not scope.is_lead(current_user):
        raise Forbidden("These pages are for a store's lead staff member.")
    return current_user


@bp.get("/lead")
@roles("staff")
def lead_audits():
    """The lead's store: its approved audits, newest first, disputed ones marked."""
    lead = _lead()
    stmt = scope.lead_audits(lead).order_by(Audit.finished_at.desc(), Audit.id)
    page = page_of(db.session, stmt, PER_PAGE)
    marks = listing.counts_by_audit(db.session, [audit.id for audit in page.items])
    return render_template(
        "disputes/lead_audits.html", page=page, marks=marks, store=lead.location, mark=listing.mark
    )


def _grouped_photos(audit: Audit, hidden: set) -> dict:
    photos: dict = {}
    for photo in audit.photos:
        if photo.id not in hidden:
            photos.setdefault(photo.question_key, []).append(photo)
    return photos


@bp.get("/lead/audits/<uuid:audit_id>")
@roles("staff")
def lead_audit(audit_id: uuid.UUID):
    """One approved audit of the lead's store, with a dispute form on each question."""
    audit = scope.audit_to_dispute(db.session, _lead(), audit_id)
    definition = definition_for(db.session, audit)
    disputes = listing.of_audit(db.session, audit.id)
    end = rules.window_end(audit)
    return render_template(
        "disputes/lead_audit.html",
        audit=audit,
        definition=definition,
        answers={answer.question_key: answer for answer in audit.answers},
        sections={row.section_key: row.score for row in audit.section_scores},
        photos=_grouped_photos(audit, {d.photo_id for d in disputes}),
        disputes=_by_question(disputes),
        window_end=end,
        window_open=end is not None and utcnow() < end,
        named_me=any(staff.id == current_user.id for staff in audit.staff),
        charts=charts,
    )


def _by_question(disputes) -> dict:
    found: dict = {}
    for dispute in disputes:
        found.setdefault(dispute.question_key, []).append(dispute)
    return found


@bp.post("/lead/audits/<uuid:audit_id>/disputes")
@roles("staff", "manager", "admin")
def open_dispute(audit_id: uuid.UUID):
    """Open a dispute from the form on a question (comment, optional photo)."""
    back = "dispute_pages.lead_audit" if current_user.role == "staff" else "review.audit"
    try:
        audit = scope.audit_to_dispute(db.session, current_user, audit_id, lock=True)
        comment = _text(request.form, "comment", COMMENT_MAX).strip()
        if not comment:
            raise Invalid({"comment": ["Say what is wrong with this result."]})
        dispute = opening.open_dispute(
            db.session, current_user, audit, request.form.get("question", ""), comment
        )
        upload = request.files.get("photo")
        data = upload.read() if upload else b""
        if data:
            limits = PhotoLimits.from_config(current_app.config)
            opening.attach_photo(db.session, _media(), current_user, dispute, data, limits)
    except DomainError as error:
        return refused(error, back, audit_id=audit_id)
    return saved("Dispute sent: an admin will decide it.", back, audit_id=audit_id)


def _media():
    return current_app.extensions["media"]


def _image(photo: Photo) -> Response:
    key = thumb_key if request.args.get("size") == "thumb" else display_key
    try:
        data = _media().get(key(photo.content_hash))
    except KeyError as error:
        raise NotFound("The image file is missing.") from error
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=600"
    return response


@bp.get("/lead/photos/<uuid:photo_id>")
@roles("staff")
def lead_photo(photo_id: uuid.UUID):
    """A photo of an approved audit of the lead's store."""
    lead = _lead()
    stmt = (
        select(Photo)
        .join(Audit, Audit.id == Photo.audit_id)
        .where(
            Photo.id == photo_id, Audit.id.in_(scope.lead_audits(lead).with_only_columns(Audit.id))
        )
    )
    photo = db.session.scalar(stmt)
    if photo is None:
        raise NotFound(f"Photo {photo_id} not found.")
    return _image(photo)


@bp.get("/admin/disputes")
@roles("admin")
def admin_queue():
    """Open disputes, oldest first: the audit, the answer, the photos and the comment side by
    side, with the forms to uphold (corrected value or N/A) or reject with a note."""
    queue = listing.open_queue(db.session, current_user)
    return render_template(
        "disputes/admin_queue.html",
        queue=queue,
        definitions={d.audit_id: definition_for(db.session, d.audit) for d in queue},
    )


@bp.post("/admin/disputes/<int:dispute_id>")
@roles("admin")
def decide(dispute_id: int):
    """Uphold or reject one dispute from the admin's page."""
    try:
        dispute = settle.locked_dispute(db.session, current_user, dispute_id)
        decision = request.form.get("decision", "")
        note = _text(request.form, "note", NOTE_MAX)
        data = _decision_data(dispute, decision, request.form) if decision == "uphold" else {}
        settle.decide(db.session, current_user, dispute, decision, note, data)
    except DomainError as error:
        return refused(error, "dispute_pages.admin_queue")
    verb = "Upheld" if dispute.status == "upheld" else "Rejected"
    score = dispute.audit.score_overall
    told = "" if score is None else f": the audit now scores {score:.1f}"
    return saved(f"{verb} the dispute{told}.", "dispute_pages.admin_queue")


def _decision_data(dispute: Dispute, decision: str, form: Mapping[str, str]) -> dict:
    """The corrected value or N/A an uphold form gives, typed as the question needs."""
    definition = definition_for(db.session, dispute.audit)
    asked = {q["key"]: q for s in definition["sections"] for q in s["questions"]}
    answer = _answer_of(asked[dispute.question_key], form)
    return {"na": True} if answer["na"] else {"value": answer["value"]}


@bp.get("/manager/disputes")
@roles("admin", "manager")
def rates_page():
    """Dispute rates per location and per auditor in the window and scope of the filters."""
    filters = current_filters(db.session)
    scoped = scope_of(current_user, filters, section=False)
    start, end = filters.window(now())
    locations = {loc.id: loc for loc in db.session.scalars(access.visible_locations(current_user))}
    return render_template(
        "disputes/rates.html",
        filters=filters,
        by_location=rates.by_location(db.session, scoped, start, end),
        by_auditor=rates.by_auditor(db.session, scoped, start, end),
        locations=locations,
        open_count=db.session.scalar(
            select(func.count()).select_from(
                listing.listed(current_user, "open").order_by(None).subquery()
            )
        ),
    )
