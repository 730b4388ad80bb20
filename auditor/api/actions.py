"""Corrective actions raised from approved audits (managers, admins)."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import Id, LocationRefSchema, PageArgs, UserRefSchema, page_schema, paginate
from auditor.audits import actions
from auditor.core.extensions import db
from auditor.models import ACTION_STATUSES, CorrectiveAction

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


class ActionPatchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(ACTION_STATUSES))
    note = ma.fields.String(validate=ma.validate.Length(max=5000))
    due = ma.fields.Date()


class ActionArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(ACTION_STATUSES))
    location_id = Id(strict=False)


def action_document(action: CorrectiveAction) -> dict:
    """How the API reads a corrective action (DESIGN §5)."""
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
    }


@blp.route("")
class Actions(MethodView):
    @blp.arguments(ActionArgs, location="query")
    @blp.response(200, page_schema(ActionSchema))
    def get(self, args):
        """Corrective actions in scope, open and soonest due first."""
        stmt = actions.listing(
            current_user, status=args.pop("status", None), location_id=args.pop("location_id", None)
        )
        page = paginate(db.session, stmt, **args)
        return {**page, "items": [action_document(a) for a in page["items"]]}


@blp.route("/<id:action_id>")
class ActionItem(MethodView):
    @blp.response(200, ActionSchema)
    def get(self, action_id):
        """One corrective action."""
        return action_document(access.get_action_for(db.session, current_user, action_id))

    @blp.arguments(ActionPatchSchema)
    @blp.response(200, ActionSchema)
    def patch(self, data, action_id):
        """Resolve (status done, with a note), reopen, or move the due date."""
        action = access.get_action_for(db.session, current_user, action_id)
        actions.update(db.session, current_user, action, data)
        db.session.commit()
        return action_document(action)
