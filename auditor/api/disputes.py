"""Disputes (DESIGN §10.4): a store's lead staff member or a manager of its region disputes one
question of an approved audit, a photo may follow, an admin upholds or rejects it."""

import marshmallow as ma
from flask import Response, current_app, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor.api.common import (
    LocationRefSchema,
    PageArgs,
    QuerySchema,
    UserRefSchema,
    page_schema,
    paginate,
)
from auditor.api.photos import IMAGE_BODY
from auditor.audits.photos import PhotoLimits
from auditor.core.errors import Invalid, NotFound
from auditor.core.extensions import db
from auditor.disputes import listing, opening, scope, settle
from auditor.models import DISPUTE_STATUSES, Dispute
from auditor.photos.storage import display_key, thumb_key

blp = Blueprint("disputes", __name__, url_prefix="/api/v1", description="Disputes")

Str = ma.fields.String


class DisputeOpenSchema(ma.Schema):
    question = Str(required=True, validate=ma.validate.Length(min=1, max=64))
    comment = Str(required=True, validate=ma.validate.Length(min=1, max=2000))


class DisputeDecisionSchema(ma.Schema):
    decision = Str(required=True, validate=ma.validate.OneOf(("uphold", "reject")))
    note = Str(allow_none=True, validate=ma.validate.Length(max=5000))
    value = ma.fields.Raw(allow_none=True, metadata={"description": "Uphold: the corrected value."})
    na = ma.fields.Boolean(metadata={"description": "Uphold: the answer becomes N/A."})


class DisputePhotoSchema(ma.Schema):
    """A dispute's photo: the sanitised display image's size and where to fetch it."""

    uuid = ma.fields.UUID(attribute="id")
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    # filled in by PhotoOf, which knows the dispute
    url = Str(dump_only=True)
    thumb_url = Str(dump_only=True)


class PhotoOf(ma.fields.Nested):
    """The dispute's photo with where to fetch it, or null."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        if nested_obj is None:
            return None
        data = super()._serialize(nested_obj, attr, obj, **kwargs)
        return {
            **data,
            "url": f"/api/v1/disputes/{obj.id}/photo",
            "thumb_url": f"/api/v1/disputes/{obj.id}/photo?size=thumb",
        }


class DisputeSchema(ma.Schema):
    """How the API reads a dispute."""

    id = ma.fields.Integer()
    audit_uuid = ma.fields.UUID(attribute="audit_id")
    location = ma.fields.Function(lambda dispute: LocationRefSchema().dump(dispute.audit.location))
    question = Str(attribute="question_key")
    comment = Str()
    status = Str()
    opened_by = ma.fields.Nested(UserRefSchema)
    opened_at = ma.fields.AwareDateTime()
    photo = PhotoOf(DisputePhotoSchema, allow_none=True)
    decided_by = ma.fields.Nested(UserRefSchema, allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    decision_note = Str()
    value = ma.fields.Raw(allow_none=True, metadata={"description": "What an uphold applied."})
    na = ma.fields.Boolean(allow_none=True)


class DisputeArgs(PageArgs):
    status = Str(validate=ma.validate.OneOf(DISPUTE_STATUSES))
    audit = ma.fields.UUID(metadata={"description": "Only the disputes of this audit."})


class DisputePhotoArgs(QuerySchema):
    size = Str(validate=ma.validate.OneOf(("display", "thumb")))


def media():
    return current_app.extensions["media"]


@blp.route("/audits/<uuid:audit_id>/disputes")
class AuditDisputes(MethodView):
    @blp.arguments(DisputeOpenSchema)
    @blp.response(201, DisputeSchema)
    @blp.alt_response(
        409, description="The question has an open dispute, or the audit is not approved"
    )
    @blp.alt_response(422, description="After the 14 days, or no such question")
    def post(self, data, audit_id):
        """Dispute one question of an approved audit within 14 days of its approval (a store's
        lead staff member or a manager of its region)."""
        audit = scope.audit_to_dispute(db.session, current_user, audit_id, lock=True)
        dispute = opening.open_dispute(
            db.session, current_user, audit, data["question"], data["comment"]
        )
        db.session.commit()
        return dispute


@blp.route("/disputes")
class Disputes(MethodView):
    @blp.arguments(DisputeArgs, location="query")
    @blp.response(200, page_schema(DisputeSchema))
    def get(self, args):
        """Disputes in scope, newest first: admins all, managers their regions', a lead staff
        member their store's, an auditor those of their own audits."""
        stmt = listing.listed(current_user, args.get("status"))
        if args.get("audit"):
            stmt = stmt.where(Dispute.audit_id == args["audit"])
        return paginate(db.session, stmt, args["page"], args["per_page"])


@blp.route("/disputes/<id:dispute_id>")
class DisputeItem(MethodView):
    @blp.response(200, DisputeSchema)
    def get(self, dispute_id):
        """One dispute in scope."""
        return scope.get_dispute_for(db.session, current_user, dispute_id)


def _upload() -> bytes:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Invalid({"file": ["Send the image in the multipart field `file`."]})
        return upload.read()
    return request.get_data(cache=False)


@blp.route("/disputes/<id:dispute_id>/photo")
class DisputePhoto(MethodView):
    @blp.doc(requestBody=IMAGE_BODY)
    @blp.response(200, DisputeSchema)
    @blp.alt_response(409, description="The dispute is settled")
    @blp.alt_response(413, description="Over the size or pixel limit")
    @blp.alt_response(415, description="Not a JPEG, PNG, WebP or HEIC image")
    def put(self, dispute_id):
        """Add (or replace) the open dispute's photo, by who opened it (rules of §9)."""
        data = _upload()
        dispute = scope.get_dispute_for(db.session, current_user, dispute_id)
        limits = PhotoLimits.from_config(current_app.config)
        opening.attach_photo(db.session, media(), current_user, dispute, data, limits)
        db.session.commit()
        return dispute

    @blp.arguments(DisputePhotoArgs, location="query")
    @blp.response(200, content_type="image/jpeg")
    def get(self, args, dispute_id):
        """The dispute's sanitized photo (`?size=thumb` for the thumbnail)."""
        dispute = scope.get_dispute_for(db.session, current_user, dispute_id)
        if dispute.photo is None:
            raise NotFound("This dispute has no photo.")
        key = thumb_key if args.get("size") == "thumb" else display_key
        try:
            data = media().get(key(dispute.photo.content_hash))
        except KeyError as error:
            raise NotFound("The image file is missing.") from error
        response = Response(data, mimetype="image/jpeg")
        response.headers["Cache-Control"] = "private, max-age=600"
        return response


@blp.route("/disputes/<id:dispute_id>/decision")
class DisputeDecision(MethodView):
    @blp.arguments(DisputeDecisionSchema)
    @blp.response(200, DisputeSchema)
    @blp.alt_response(409, description="The dispute is settled already")
    def post(self, data, dispute_id):
        """Uphold (the answer corrected as a revision, the audit rescored) or reject (with a
        note) an open dispute (admin)."""
        dispute = settle.locked_dispute(db.session, current_user, dispute_id)
        decision, note = data.pop("decision"), data.pop("note", None)
        settle.decide(db.session, current_user, dispute, decision, note, data)
        db.session.commit()
        return dispute
