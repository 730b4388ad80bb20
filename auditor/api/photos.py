"""Photos: uploaded by the auditor per audit, served to whoever may see the audit."""

import marshmallow as ma
from flask import Response, current_app, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor.api.audits import PhotoSchema, locked_own_audit
from auditor.api.common import QuerySchema
from auditor.audits import photos
from auditor.core.errors import Invalid, NotFound
from auditor.core.extensions import db
from auditor.photos.storage import display_key, thumb_key

blp = Blueprint("photos", __name__, url_prefix="/api/v1", description="Photos")

IMAGE_BODY = {
    "required": True,
    "content": {
        **{
            mime: {"schema": {"type": "string", "format": "binary"}}
            # the bytes say what they are, whatever the declared type: octet-stream is what
            # generated clients send
            for mime in (
                "image/jpeg",
                "image/png",
                "image/webp",
                "image/heic",
                "image/heif",
                "application/octet-stream",
            )
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "question": {"type": "string"},
                },
                "required": ["file"],
            }
        },
    },
}


class UploadArgs(QuerySchema):
    question = ma.fields.String(validate=ma.validate.Length(min=1, max=64))


class PhotoArgs(QuerySchema):
    size = ma.fields.String(validate=ma.validate.OneOf(("display", "thumb")))


def media():
    """The app's media storage (local disk or S3-compatible)."""
    return current_app.extensions["media"]


def _upload() -> tuple[bytes, str | None]:
    """The image bytes (raw body, or the multipart field `file`) and the question key."""
    question = request.args.get("question") or None
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Invalid({"file": ["Send the image in the multipart field `file`."]})
        return upload.read(), question or request.form.get("question") or None
    return request.get_data(cache=False), question


@blp.route("/audits/<uuid:audit_id>/photos/<uuid:photo_id>")
class AuditPhoto(MethodView):
    @blp.arguments(UploadArgs, location="query")
    @blp.doc(requestBody=IMAGE_BODY)
    @blp.response(200, PhotoSchema)
    @blp.alt_response(201, schema=PhotoSchema, description="Stored")
    @blp.alt_response(409, description="Other bytes were stored under this UUID")
    @blp.alt_response(413, description="Over the size or pixel limit")
    @blp.alt_response(415, description="Not a JPEG, PNG, WebP or HEIC image")
    def put(self, _args, audit_id, photo_id):
        """Upload a photo; the same bytes again answer the same, other bytes 409."""
        data, question = _upload()
        audit = locked_own_audit(audit_id)
        limits = photos.PhotoLimits.from_config(current_app.config)
        photo, created = photos.add_photo(
            db.session, media(), current_user, audit, photo_id, data, question, limits
        )
        db.session.commit()
        return photo, 201 if created else 200

    @blp.response(204)
    def delete(self, audit_id, photo_id):
        """Remove a photo from a draft or returned audit."""
        audit = locked_own_audit(audit_id)
        content_hash = photos.delete_photo(db.session, current_user, audit, photo_id)
        db.session.commit()
        photos.forget_unused(db.session, media(), content_hash)


@blp.route("/photos/<uuid:photo_id>")
class PhotoFile(MethodView):
    @blp.arguments(PhotoArgs, location="query")
    @blp.response(200, content_type="image/jpeg")
    def get(self, args, photo_id):
        """The sanitized image (`?size=thumb` for the thumbnail)."""
        photo = photos.photo_for(db.session, current_user, photo_id)
        key = thumb_key if args.get("size") == "thumb" else display_key
        try:
            data = media().get(key(photo.content_hash))
        except KeyError as error:
            raise NotFound("The image file is missing.") from error
        response = Response(data, mimetype="image/jpeg")
        # never in a shared cache, and not for long on a shared device (the ETag revalidates)
        response.headers["Cache-Control"] = "private, max-age=600"
        response.set_etag(photo.content_hash)
        return response
