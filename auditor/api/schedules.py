"""Schedules (DESIGN §10.8): recurring visits to stores by a rotation of auditors, planned under
rules; a preview of the coming weeks says which rule gives way and where."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor.api.common import Id, PageArgs, QuerySchema, page_schema, paginate
from auditor.core.extensions import db
from auditor.models import utcnow
from auditor.scheduling import jobs, service
from auditor.scheduling.dayparts import DAYPARTS, SHARES

blp = Blueprint(
    "schedules", __name__, url_prefix="/api/v1/schedules", description="Schedules of visits"
)

Share = ma.fields.Float(validate=ma.validate.Range(min=0, max=1))
Dayparts = ma.fields.Dict(
    keys=ma.fields.String(validate=ma.validate.OneOf(SHARES)),
    values=Share,
    metadata={
        "description": "Minimum shares of visits per location and 13 weeks: morning 08-12, "
        "afternoon 12-17, evening 17-close, weekend (Saturday or Sunday), in the location's "
        'time zone, e.g. {"morning": 0.3, "weekend": 0.2}.'
    },
)
Ids = ma.fields.List(Id(), validate=ma.validate.Length(max=5000))


def _shares_fit(_schema, data, **_kwargs) -> None:
    shares = data.get("dayparts") or {}
    if sum(shares.get(name, 0) for name in DAYPARTS) > 1 + 1e-9:
        raise ma.ValidationError(
            "morning, afternoon and evening shares add up to at most 1.", "dayparts"
        )


class ScheduleSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    location_ids = ma.fields.List(Id(), required=True, validate=ma.validate.Length(min=1, max=5000))
    checklist_id = Id(required=True)
    every_days = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=365))
    min_gap_days = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=365))
    auditor_ids = ma.fields.List(
        Id(),
        load_default=list,
        validate=ma.validate.Length(max=5000),
        metadata={"description": "None given: every visit is left open for auditors to claim."},
    )
    dayparts = Dayparts
    starts_on = ma.fields.Date(metadata={"description": "Default: today (UTC)."})
    status = ma.fields.String(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)

    validate_shares = ma.validates_schema(_shares_fit)


class SchedulePatchSchema(ma.Schema):
    location_ids = ma.fields.List(Id(), validate=ma.validate.Length(min=1, max=5000))
    auditor_ids = Ids
    dayparts = Dayparts
    min_gap_days = ma.fields.Integer(validate=ma.validate.Range(min=0, max=365))

    validate_shares = ma.validates_schema(_shares_fit)


class PreviewArgs(QuerySchema):
    weeks = ma.fields.Integer(load_default=12, validate=ma.validate.Range(min=1, max=52))


class PreviewItemSchema(ma.Schema):
    location_id = ma.fields.Integer()
    auditor_id = ma.fields.Integer(allow_none=True, metadata={"description": "None: open to claim"})
    checklist_id = ma.fields.Integer()
    due_from = ma.fields.AwareDateTime()
    due_to = ma.fields.AwareDateTime()
    daypart = ma.fields.String(metadata={"description": "morning, afternoon or evening"})
    window = ma.fields.String(metadata={"description": 'e.g. "Saturday afternoon, 12-17"'})
    occurrence = ma.fields.Integer(
        metadata={"description": "The visit's place at its store: 0, 1…"}
    )
    day = ma.fields.Date(metadata={"description": "The visit's day in the store's time zone"})


class GivingWaySchema(ma.Schema):
    rule = ma.fields.String(
        metadata={"description": "dayparts, rotation, auditor_free or opening_hours"}
    )
    location_id = ma.fields.Integer()
    auditor_id = ma.fields.Integer(allow_none=True)
    day = ma.fields.Date()
    message = ma.fields.String()


class PreviewSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PreviewItemSchema))
    warnings = ma.fields.List(
        ma.fields.Nested(GivingWaySchema),
        metadata={"description": "The rules that give way, and where, when not all can be met."},
    )
    from_ = ma.fields.Date(data_key="from", attribute="from")
    to = ma.fields.Date()


def _schedule(schedule_id: int, lock: bool = False):
    return service.get_schedule_for(db.session, current_user, schedule_id, lock=lock)


@blp.route("")
class Schedules(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(ScheduleSchema))
    def get(self, args):
        """Schedules in scope (admins all, managers those with a store of their regions)."""
        return paginate(db.session, service.visible_schedules(current_user), **args)

    @blp.arguments(ScheduleSchema)
    @blp.response(201, ScheduleSchema)
    def post(self, data):
        """Create a schedule (admin, or a manager for stores of their regions); its visits of
        the next four weeks are created once it commits, and daily after."""
        schedule = service.create(db.session, current_user, data)
        jobs.plan_after_commit(schedule)
        db.session.commit()
        return schedule


@blp.route("/<id:schedule_id>")
class ScheduleItem(MethodView):
    @blp.response(200, ScheduleSchema)
    def get(self, schedule_id):
        """One schedule in scope."""
        return _schedule(schedule_id)

    @blp.arguments(SchedulePatchSchema)
    @blp.response(200, ScheduleSchema)
    @blp.alt_response(409, description="The schedule has ended")
    def patch(self, data, schedule_id):
        """Change stores, auditors, shares or gap: visits not yet started are planned again."""
        schedule = service.update(db.session, current_user, _schedule(schedule_id, True), data)
        jobs.plan_after_commit(schedule)
        db.session.commit()
        return schedule


def _status_route(action: str, status: str, doc: str) -> None:
    def post(self, schedule_id):
        schedule = _schedule(schedule_id, lock=True)
        service.set_status(db.session, current_user, schedule, status)
        if status == "active":
            jobs.plan_after_commit(schedule)
        db.session.commit()
        return schedule

    post.__doc__ = doc
    view = type(f"Schedule{action.title()}", (MethodView,), {"post": post})
    view.post = blp.alt_response(409, description="The schedule has ended")(view.post)
    view.post = blp.response(200, ScheduleSchema)(view.post)
    blp.route(f"/<id:schedule_id>/{action}")(view)


_status_route("pause", "paused", "Pause: no new visits; visits not yet started are withdrawn.")
_status_route("resume", "active", "Resume a paused schedule: its coming visits are planned.")
_status_route("end", "ended", "End for good: visits not yet started are withdrawn.")


@blp.route("/<id:schedule_id>/preview")
class SchedulePreview(MethodView):
    @blp.arguments(PreviewArgs, location="query")
    @blp.response(200, PreviewSchema)
    def get(self, args, schedule_id):
        """The planned visits of the coming weeks (from today, or the start) and the rules
        that give way where not all can be met."""
        return service.preview(db.session, _schedule(schedule_id), args["weeks"], utcnow().date())
