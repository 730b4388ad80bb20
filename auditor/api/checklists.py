"""Checklists: admins post and publish definitions; everyone reads published versions."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import PageArgs, page_schema, paginate
from auditor.checklists import versions
from auditor.checklists.definition import ChecklistDefinitionSchema
from auditor.core.extensions import db
from auditor.models import CHECKLIST_STATUSES

blp = Blueprint("checklists", __name__, url_prefix="/api/v1/checklists", description="Checklists")


class ChecklistSchema(ChecklistDefinitionSchema):
    """A version as the API reads it: the definition plus its identity and status."""

    id = ma.fields.Integer(dump_only=True)
    version = ma.fields.Integer(dump_only=True)
    status = ma.fields.String(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    published_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)


class ChecklistSummarySchema(ma.Schema):
    """A version in the list: who it is, without its sections (DESIGN §5)."""

    id = ma.fields.Integer()
    key = ma.fields.String()
    title = ma.fields.String()
    version = ma.fields.Integer()
    status = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    published_at = ma.fields.AwareDateTime(allow_none=True)


class ChecklistArgs(PageArgs):
    key = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(CHECKLIST_STATUSES))


@blp.route("")
class Checklists(MethodView):
    @blp.arguments(ChecklistArgs, location="query")
    @blp.response(200, page_schema(ChecklistSummarySchema))
    def get(self, args):
        """Summaries of the versions the caller may read (non-admins: published only), paged;
        one version's GET carries its sections."""
        stmt = versions.version_listing(current_user, args.get("key"), args.get("status"))
        return paginate(db.session, stmt, args["page"], args["per_page"])

    @blp.arguments(ChecklistDefinitionSchema)
    @blp.response(201, ChecklistSchema)
    @blp.alt_response(200, schema=ChecklistSchema, description="The latest draft was replaced")
    def post(self, definition):
        """Save a definition: a new draft version, or a replacement of the latest draft."""
        access.require_role(current_user, "admin")
        checklist, created = versions.save_definition(db.session, current_user, definition)
        db.session.commit()
        return versions.document_of(checklist), 201 if created else 200


@blp.route("/<id:checklist_id>")
class ChecklistItem(MethodView):
    @blp.response(200, ChecklistSchema)
    def get(self, checklist_id):
        """One checklist version."""
        return versions.document_of(
            access.get_checklist_for(db.session, current_user, checklist_id)
        )


@blp.route("/<id:checklist_id>/publish")
class ChecklistPublish(MethodView):
    @blp.response(200, ChecklistSchema)
    def post(self, checklist_id):
        """Publish a draft version; it never changes afterwards."""
        access.require_role(current_user, "admin")
        checklist = access.get_checklist_for(db.session, current_user, checklist_id)
        versions.publish(db.session, current_user, checklist)
        db.session.commit()
        return versions.document_of(checklist)
