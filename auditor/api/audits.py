"""Audits: auditors create, fill and submit them; managers review them (DESIGN §5)."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from auditor import access
from auditor.api.common import (
    ChecklistRefSchema,
    Id,
    LocationRefSchema,
    PageArgs,
    UserRefSchema,
    page_schema,
    paginate,
)
from auditor.audits import lifecycle
from auditor.audits.lifecycle import with_details
from auditor.core.errors import NotFound
from auditor.core.extensions import db
from auditor.models import AUDIT_STATUSES, Audit, Checklist

blp = Blueprint("audits", __name__, url_prefix="/api/v1/audits", description="Audits")

Str = ma.fields.String
Int = ma.fields.Integer


class GeoSchema(ma.Schema):
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(min=-90, max=90))
    lon = ma.fields.Float(required=True, validate=ma.validate.Range(min=-180, max=180))
    accuracy = ma.fields.Float(allow_none=True, validate=ma.validate.Range(min=0))


class AnswerSchema(ma.Schema):
    question = Str(required=True, validate=ma.validate.Length(min=1, max=64))
    value = ma.fields.Raw(allow_none=True)
    na = ma.fields.Boolean(load_default=False)
    comment = Str(load_default="", validate=ma.validate.Length(max=2000))
    earned = ma.fields.Float(dump_only=True, allow_none=True)
    possible = ma.fields.Float(dump_only=True, allow_none=True)


class AuditInSchema(ma.Schema):
    checklist_id = Id(required=True)
    location_id = Id(required=True)
    assignment_id = Id(allow_none=True)
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    geo = ma.fields.Nested(GeoSchema, allow_none=True)
    staff_ids = ma.fields.List(Id(), validate=ma.validate.Length(max=50))
    staff_names = ma.fields.List(
        Str(validate=ma.validate.Length(min=1, max=200)), validate=ma.validate.Length(max=50)
    )
    notes = Str(allow_none=True, validate=ma.validate.Length(max=10_000))
    answers = ma.fields.List(ma.fields.Nested(AnswerSchema), validate=ma.validate.Length(max=500))


class PostVisitSchema(ma.Schema):
    answers = ma.fields.List(
        ma.fields.Nested(AnswerSchema), required=True, validate=ma.validate.Length(min=1, max=100)
    )


class ReviewSchema(ma.Schema):
    decision = Str(required=True, validate=ma.validate.OneOf(("approve", "return")))
    note = Str(allow_none=True, validate=ma.validate.Length(max=5000))


class ScoreSchema(ma.Schema):
    overall = ma.fields.Float(allow_none=True)
    sections = ma.fields.Dict(keys=Str(), values=ma.fields.Float(allow_none=True))
    critical_failed = ma.fields.Boolean()


class PhotoSchema(ma.Schema):
    uuid = Str()
    question = Str(allow_none=True)
    url = Str()
    thumb_url = Str()
    width = Int()
    height = Int()
    bytes = Int()
    taken_at = ma.fields.AwareDateTime(allow_none=True)


class AuditSchema(ma.Schema):
    uuid = Str()
    status = Str()
    auditor = ma.fields.Nested(UserRefSchema)
    location = ma.fields.Nested(LocationRefSchema)
    checklist = ma.fields.Nested(ChecklistRefSchema)
    checklist_id = Int()
    location_id = Int()
    assignment_id = Int(allow_none=True)
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    reviewed_at = ma.fields.AwareDateTime(allow_none=True)
    review_note = Str()
    geo = ma.fields.Nested(GeoSchema, allow_none=True)
    distance_m = ma.fields.Float(allow_none=True)
    far_from_location = ma.fields.Boolean()
    staff_ids = ma.fields.List(Int())
    staff_names = ma.fields.List(Str())
    notes = Str()
    answers = ma.fields.List(ma.fields.Nested(AnswerSchema))
    score = ma.fields.Nested(ScoreSchema)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class AuditArgs(PageArgs):
    location_id = Id(strict=False)
    auditor_id = Id(strict=False)
    status = Str(validate=ma.validate.OneOf(AUDIT_STATUSES))
    checklist = Str()
    from_ = ma.fields.AwareDateTime(data_key="from")
    to = ma.fields.AwareDateTime()


def photo_document(photo) -> dict:
    """How the API reads a photo: its metadata and where to fetch it (GPS stays private)."""
    url = f"/api/v1/photos/{photo.id}"
    return {
        "uuid": str(photo.id),
        "question": photo.question_key,
        "url": url,
        "thumb_url": f"{url}?size=thumb",
        "width": photo.width,
        "height": photo.height,
        "bytes": photo.bytes,
        "taken_at": photo.taken_at,
    }


def audit_document(audit: Audit) -> dict:
    """How the API reads an audit."""
    geo = None
    if audit.geo_lat is not None:
        geo = {"lat": audit.geo_lat, "lon": audit.geo_lon, "accuracy": audit.geo_accuracy}
    return {
        **{
            field: getattr(audit, field)
            for field in (
                "status",
                "auditor",
                "location",
                "checklist",
                "checklist_id",
                "location_id",
                "assignment_id",
                "started_at",
                "finished_at",
                "submitted_at",
                "reviewed_at",
                "review_note",
                "distance_m",
                "far_from_location",
                "staff_names",
                "notes",
                "created_at",
                "updated_at",
            )
        },
        "uuid": str(audit.id),
        "geo": geo,
        "staff_ids": [user.id for user in audit.staff],
        "answers": [
            {
                "question": a.question_key,
                "value": a.value,
                "na": a.na,
                "comment": a.comment,
                "earned": a.earned,
                "possible": a.possible,
            }
            for a in audit.answers
        ],
        "score": {
            "overall": audit.score_overall,
            "sections": {row.section_key: row.score for row in audit.section_scores},
            "critical_failed": audit.critical_failed,
        },
        "photos": [photo_document(photo) for photo in audit.photos],
    }


def _filtered(stmt, args: dict):
    for field in ("location_id", "auditor_id", "status"):
        if field in args:
            stmt = stmt.where(getattr(Audit, field) == args.pop(field))
    if "checklist" in args:
        keys = select(Checklist.id).where(Checklist.key == args.pop("checklist"))
        stmt = stmt.where(Audit.checklist_id.in_(keys))
    if "from_" in args:
        stmt = stmt.where(Audit.finished_at >= args.pop("from_"))
    if "to" in args:
        stmt = stmt.where(Audit.finished_at < args.pop("to"))
    return stmt


@blp.route("")
class Audits(MethodView):
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, page_schema(AuditSchema))
    def get(self, args):
        """Audits in the caller's scope, newest first; filter by location, status, time."""
        stmt = _filtered(access.visible_audits(current_user), args)
        stmt = with_details(stmt.order_by(Audit.finished_at.desc(), Audit.created_at.desc()))
        page = paginate(db.session, stmt, **args)
        return {**page, "items": [audit_document(a) for a in page["items"]]}


@blp.route("/<uuid:audit_id>")
class AuditItem(MethodView):
    @blp.response(200, AuditSchema)
    def get(self, audit_id):
        """One audit with answers, score and photos."""
        stmt = with_details(access.visible_audits(current_user).where(Audit.id == audit_id))
        audit = db.session.scalar(stmt)
        if audit is None:
            raise NotFound(f"Audit {audit_id} not found.")
        return audit_document(audit)

    @blp.arguments(AuditInSchema)
    @blp.response(200, AuditSchema)
    @blp.alt_response(201, schema=AuditSchema, description="Created")
    @blp.alt_response(409, description="The audit is submitted or approved")
    def put(self, data, audit_id):
        """Create (201) or replace (200) a draft or returned audit; photos stay."""
        access.require_role(current_user, "auditor")
        audit, created = lifecycle.save_audit(db.session, current_user, audit_id, data)
        db.session.commit()
        return audit_document(audit), 201 if created else 200


@blp.route("/<uuid:audit_id>/submit")
class AuditSubmit(MethodView):
    @blp.response(200, AuditSchema)
    @blp.alt_response(422, description="Answers or required photos are missing")
    def post(self, audit_id):
        """Check completeness, score and submit; repeating it answers the same."""
        access.require_role(current_user, "auditor")
        audit = lifecycle.submit(db.session, current_user, audit_id)
        db.session.commit()
        return audit_document(audit)


@blp.route("/<uuid:audit_id>/post-visit")
class AuditPostVisit(MethodView):
    @blp.arguments(PostVisitSchema)
    @blp.response(200, AuditSchema)
    def patch(self, data, audit_id):
        """Record follow-through answers after the visit; the score is recomputed."""
        access.require_role(current_user, "auditor")
        audit = lifecycle.record_post_visit(db.session, current_user, audit_id, data["answers"])
        db.session.commit()
        return audit_document(audit)


@blp.route("/<uuid:audit_id>/review")
class AuditReview(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, AuditSchema)
    @blp.alt_response(409, description="The audit is not submitted")
    def post(self, data, audit_id):
        """Approve or return (with a note) a submitted audit."""
        access.require_role(current_user, "manager", "admin")
        audit = access.get_audit_for(db.session, current_user, audit_id, lock=True)
        lifecycle.review(db.session, current_user, audit, data["decision"], data.get("note"))
        db.session.commit()
        return audit_document(audit)
