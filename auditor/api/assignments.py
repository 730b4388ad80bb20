"""Assignments: planned visits, made by admins and managers, listed by auditors."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import Id, PageArgs, page_schema, paginate
from auditor.audits import assignments
from auditor.core.extensions import db
from auditor.models import ASSIGNMENT_STATUSES
from auditor.scheduling import dayparts

blp = Blueprint(
    "assignments", __name__, url_prefix="/api/v1/assignments", description="Planned visits"
)


class PlaceSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    address = ma.fields.String()
    lat = ma.fields.Float(allow_none=True)
    lon = ma.fields.Float(allow_none=True)
    timezone = ma.fields.String()


class AssignmentSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    location_id = Id(required=True)
    # null on a schedule's open visit that auditors may claim (DESIGN §10.8)
    auditor_id = Id(required=True, allow_none=True)
    checklist_id = Id(required=True)
    due_from = ma.fields.AwareDateTime(required=True)
    due_to = ma.fields.AwareDateTime(required=True)
    status = ma.fields.String(dump_only=True)
    location = ma.fields.Nested(PlaceSchema, dump_only=True)
    schedule_id = ma.fields.Integer(dump_only=True, allow_none=True)
    daypart = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"description": "morning, afternoon, evening"}
    )
    window = ma.fields.Method(
        "_window",
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The daypart window in the store's time, e.g. Saturday afternoon, 12-17",
            "type": "string",
        },
    )

    def _window(self, assignment):
        return dayparts.label(
            assignment.daypart, assignment.due_from, assignment.due_to, assignment.location.timezone
        )

    @ma.validates_schema
    def _someone(self, data, **_kwargs):
        if "auditor_id" in data and data["auditor_id"] is None:
            raise ma.ValidationError("Name the auditor.", "auditor_id")


class AssignmentPatchSchema(ma.Schema):
    auditor_id = Id()
    due_from = ma.fields.AwareDateTime()
    due_to = ma.fields.AwareDateTime()
    status = ma.fields.String(validate=ma.validate.OneOf(ASSIGNMENT_STATUSES))


class AssignmentArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(ASSIGNMENT_STATUSES))
    auditor_id = Id(strict=False)
    location_id = Id(strict=False)


@blp.route("")
class Assignments(MethodView):
    @blp.arguments(AssignmentArgs, location="query")
    @blp.response(200, page_schema(AssignmentSchema))
    def get(self, args):
        """Planned visits in scope (auditors: their own), soonest due first."""
        stmt = assignments.due_listing(
            current_user,
            status=args.pop("status", None),
            auditor_id=args.pop("auditor_id", None),
            location_id=args.pop("location_id", None),
        )
        return paginate(db.session, stmt, **args)

    @blp.arguments(AssignmentSchema)
    @blp.response(201, AssignmentSchema)
    def post(self, data):
        """Plan a visit (admin, or a manager for their regions)."""
        assignment = assignments.create(db.session, current_user, data)
        db.session.commit()
        return assignment


@blp.route("/<id:assignment_id>")
class AssignmentItem(MethodView):
    @blp.response(200, AssignmentSchema)
    def get(self, assignment_id):
        """One planned visit in scope."""
        return access.get_assignment_for(db.session, current_user, assignment_id)

    @blp.arguments(AssignmentPatchSchema)
    @blp.response(200, AssignmentSchema)
    @blp.alt_response(409, description="The visit is done or cancelled")
    def patch(self, data, assignment_id):
        """Reschedule, reassign or cancel an open visit (admin, manager)."""
        access.require_role(current_user, "admin", "manager")
        found = access.get_assignment_for(db.session, current_user, assignment_id, lock=True)
        assignment = assignments.update(db.session, current_user, found, data)
        db.session.commit()
        return assignment
