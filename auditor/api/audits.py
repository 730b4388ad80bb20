"""Audits: auditors create, fill and submit them; managers review them (DESIGN §5)."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

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
from auditor.audits import lifecycle, listing
from auditor.checklists.definition import MAX_QUESTIONS
from auditor.core.extensions import db
from auditor.disputes.scope import LeadView
from auditor.models import AUDIT_STATUSES, SIGNAL_CODES

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


class StoredAnswerSchema(AnswerSchema):
    """An answer as stored: the same fields, read from an `Answer` row."""

    question = Str(attribute="question_key")


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
    # every question of the largest checklist a definition may have
    answers = ma.fields.List(
        ma.fields.Nested(AnswerSchema), validate=ma.validate.Length(max=MAX_QUESTIONS)
    )


class PostVisitSchema(ma.Schema):
    answers = ma.fields.List(
        ma.fields.Nested(AnswerSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_QUESTIONS),
    )


class OfItself(ma.fields.Nested):
    """A nested object whose fields are read from the parent object itself."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj


class GeoOf(OfItself):
    """An audit's start position, or null where none was recorded."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj if obj.geo_lat is not None else None


class SectionScores(ma.fields.Dict):
    """Section rows as `{key: score}`."""

    def _serialize(self, value, attr, obj, **kwargs):
        rows = {row.section_key: row.score for row in value}
        return super()._serialize(rows, attr, obj, **kwargs)


class PhotoUrl(Str):
    """Where a photo (or, with `?size=thumb`, its thumbnail) is fetched."""

    def __init__(self, suffix: str = "", **kwargs):
        super().__init__(attribute="id", dump_only=True, **kwargs)
        self.suffix = suffix

    def _serialize(self, value, attr, obj, **kwargs):
        return f"/api/v1/photos/{value}{self.suffix}"


class ReviewOf(OfItself):
    """The audit's latest review, or null before one."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj if obj.review_decision is not None else None


class LatestReviewSchema(ma.Schema):
    decision = Str(attribute="review_decision")
    note = Str(attribute="review_note")
    questions = ma.fields.Dict(keys=Str(), values=Str(), attribute="review_questions")
    by = ma.fields.Nested(UserRefSchema, attribute="reviewed_by", allow_none=True)
    at = ma.fields.AwareDateTime(attribute="reviewed_at", allow_none=True)


class SignalSchema(ma.Schema):
    code = Str()
    detail = Str()


class ScoreSchema(ma.Schema):
    overall = ma.fields.Float(allow_none=True, attribute="score_overall")
    sections = SectionScores(
        keys=Str(), values=ma.fields.Float(allow_none=True), attribute="section_scores"
    )
    critical_failed = ma.fields.Boolean()


class StoredGeoSchema(ma.Schema):
    lat = ma.fields.Float(attribute="geo_lat")
    lon = ma.fields.Float(attribute="geo_lon")
    accuracy = ma.fields.Float(allow_none=True, attribute="geo_accuracy")


class PhotoSchema(ma.Schema):
    """How the API reads a photo: its metadata and where to fetch it (GPS stays private)."""

    uuid = ma.fields.UUID(attribute="id")
    question = Str(allow_none=True, attribute="question_key")
    url = PhotoUrl()
    thumb_url = PhotoUrl("?size=thumb")
    width = Int()
    height = Int()
    bytes = Int()
    taken_at = ma.fields.AwareDateTime(allow_none=True)


class AuditSchema(ma.Schema):
    """How the API reads an audit."""

    uuid = ma.fields.UUID(attribute="id")
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
    review = ReviewOf(LatestReviewSchema, allow_none=True)
    signals = ma.fields.List(ma.fields.Nested(SignalSchema))
    geo = GeoOf(StoredGeoSchema, allow_none=True)
    distance_m = ma.fields.Float(allow_none=True)
    far_from_location = ma.fields.Boolean()
    staff_ids = ma.fields.Pluck(UserRefSchema, "id", many=True, attribute="staff")
    staff_names = ma.fields.List(Str())
    notes = Str()
    answers = ma.fields.List(ma.fields.Nested(StoredAnswerSchema))
    score = OfItself(ScoreSchema)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class AuditArgs(PageArgs):
    location_id = Id(strict=False)
    auditor_id = Id(strict=False)
    status = Str(validate=ma.validate.OneOf(AUDIT_STATUSES))
    checklist = Str()
    signal = Str(validate=ma.validate.OneOf(SIGNAL_CODES))
    from_ = ma.fields.AwareDateTime(data_key="from")
    to = ma.fields.AwareDateTime()


def as_seen(audit):
    """The audit as the caller may read it: a store's lead sees no other staff member's name."""
    return LeadView(audit, current_user) if current_user.role == "staff" else audit


def locked_own_audit(audit_id):
    """The auditor's own audit, locked, with its details: what every auditor write starts from."""
    access.require_role(current_user, "auditor")
    return access.get_audit_for(db.session, current_user, audit_id, lock=True, details=True)


@blp.route("")
class Audits(MethodView):
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, page_schema(AuditSchema))
    def get(self, args):
        """Audits in the caller's scope, newest first; filter by location, status, time."""
        page, per_page = args.pop("page"), args.pop("per_page")
        found = paginate(db.session, listing.audit_list(current_user, args), page, per_page)
        return {**found, "items": [as_seen(audit) for audit in found["items"]]}


@blp.route("/<uuid:audit_id>")
class AuditItem(MethodView):
    @blp.response(200, AuditSchema)
    def get(self, audit_id):
        """One audit with answers, score and photos."""
        return as_seen(access.get_audit_for(db.session, current_user, audit_id, details=True))

    @blp.arguments(AuditInSchema)
    @blp.response(200, AuditSchema)
    @blp.alt_response(201, schema=AuditSchema, description="Created")
    @blp.alt_response(409, description="The audit is submitted or approved")
    def put(self, data, audit_id):
        """Create (201) or replace (200) a draft or returned audit; photos stay."""
        access.require_role(current_user, "auditor")
        audit, created = lifecycle.save_audit(db.session, current_user, audit_id, data)
        db.session.commit()
        return audit, 201 if created else 200


@blp.route("/<uuid:audit_id>/submit")
class AuditSubmit(MethodView):
    @blp.response(200, AuditSchema)
    @blp.alt_response(422, description="Answers or required photos are missing")
    def post(self, audit_id):
        """Check completeness, score and submit; repeating it answers the same."""
        audit = locked_own_audit(audit_id)
        lifecycle.submit(db.session, current_user, audit)
        db.session.commit()
        return audit


@blp.route("/<uuid:audit_id>/post-visit")
class AuditPostVisit(MethodView):
    @blp.arguments(PostVisitSchema)
    @blp.response(200, AuditSchema)
    def patch(self, data, audit_id):
        """Record follow-through answers after the visit; the score is recomputed."""
        audit = locked_own_audit(audit_id)
        lifecycle.record_post_visit(db.session, current_user, audit, data["answers"])
        db.session.commit()
        return audit
