"""Corrective actions raised from approved audits (managers, admins; a store's lead staff
member for their store): listed with filters, changed, commented."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import (
    Id,
    LocationRefSchema,
    PageArgs,
    Text,
    UserRefSchema,
    page_schema,
    paginate,
)
from auditor.audits import action_listing, actions
from auditor.core.extensions import db
from auditor.models import ACTION_PRIORITIES, ACTION_STATUSES, CorrectiveAction, utcnow

blp = Blueprint("actions", __name__, url_prefix="/api/v1/actions", description="Corrective actions")


class ActionSchema(ma.Schema):
    id = ma.fields.Integer()
    location = ma.fields.Nested(LocationRefSchema)
    audit_uuid = ma.fields.String()
    section = ma.fields.String(allow_none=True)
    question = ma.fields.String(allow_none=True)
    reason = ma.fields.String()
    owner = ma.fields.Nested(UserRefSchema, allow_none=True)
    due = ma.fields.Date()
    status = ma.fields.String()
    note = ma.fields.String()
    resolved_at = ma.fields.AwareDateTime(allow_none=True)
    priority = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    # every approved audit that failed it: the one that opened it, then the repeats
    audits = ma.fields.List(ma.fields.String())


class ActionCommentSchema(ma.Schema):
    id = ma.fields.Integer()
    author = ma.fields.Nested(UserRefSchema, allow_none=True)
    body = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class ActionDetailSchema(ActionSchema):
    comments = ma.fields.List(ma.fields.Nested(ActionCommentSchema))


class ActionPatchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(ACTION_STATUSES))
    note = ma.fields.String(validate=ma.validate.Length(max=5000))
    due = ma.fields.Date()
    priority = ma.fields.String(validate=ma.validate.OneOf(ACTION_PRIORITIES))
    owner_id = Id(allow_none=True)


class ActionCommentPostSchema(ma.Schema):
    body = Text(required=True, validate=ma.validate.Length(min=1, max=actions.COMMENT_MAX))


class ActionArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(ACTION_STATUSES))
    location_id = Id(strict=False)
    section = ma.fields.String(validate=ma.validate.Length(max=64))
    owner_id = Id(strict=False)
    priority = ma.fields.String(validate=ma.validate.OneOf(ACTION_PRIORITIES))
    due = ma.fields.String(validate=ma.validate.OneOf(action_listing.DUE_FILTERS))


def action_document(action: CorrectiveAction, audits: list | None = None) -> dict:
    """How the API reads a corrective action (DESIGN §5, extended by §10.7)."""
    return {
        "id": action.id,
        "location": action.location,
        "audit_uuid": str(action.audit_id),
        "section": action.section_key,
        "question": action.question_key,
        "reason": action.reason,
        "owner": action.owner,
        "due": action.due,
        "status": action.status,
        "note": action.note,
        "resolved_at": action.resolved_at,
        "priority": action.priority,
        "created_at": action.created_at,
        "audits": [str(audit_id) for audit_id in (audits or [action.audit_id])],
    }


def _detail(action: CorrectiveAction) -> dict:
    linked = action_listing.linked_audits(db.session, [action.id])[action.id]
    return {**action_document(action, linked), "comments": action.comments}


@blp.route("")
class Actions(MethodView):
    @blp.arguments(ActionArgs, location="query")
    @blp.response(200, page_schema(ActionSchema))
    def get(self, args):
        """Corrective actions in scope, filtered; open overdue first, then soonest due."""
        paging = {key: args.pop(key) for key in ("page", "per_page")}
        filters = action_listing.ActionFilters(**args)
        stmt = action_listing.listing(current_user, filters, utcnow().date())
        page = paginate(db.session, stmt, **paging)
        linked = action_listing.linked_audits(db.session, [a.id for a in page["items"]])
        return {**page, "items": [action_document(a, linked[a.id]) for a in page["items"]]}


@blp.route("/<id:action_id>")
class ActionItem(MethodView):
    @blp.response(200, ActionDetailSchema)
    def get(self, action_id):
        """One corrective action with its audits and comments."""
        return _detail(access.get_action_for(db.session, current_user, action_id))

    @blp.arguments(ActionPatchSchema)
    @blp.response(200, ActionDetailSchema)
    def patch(self, data, action_id):
        """Resolve (status done, with a note), reopen, move the due date, set priority or
        owner (a manager of the store's region or its lead staff member)."""
        action = access.get_action_for(db.session, current_user, action_id)
        actions.update(db.session, current_user, action, data)
        db.session.commit()
        return _detail(action)


@blp.route("/<id:action_id>/comments")
class ActionComments(MethodView):
    @blp.arguments(ActionCommentPostSchema)
    @blp.response(201, ActionCommentSchema)
    def post(self, data, action_id):
        """Comment on a corrective action."""
        action = access.get_action_for(db.session, current_user, action_id)
        comment = actions.add_comment(db.session, current_user, action, data["body"])
        db.session.commit()
        return comment
