"""Auditor calibration (DESIGN §10.5): each auditor's bias against peers at the same stores."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import Id, QuerySchema, UserRefSchema
from auditor.checklists.versions import DEFAULT_CHECKLIST_KEY
from auditor.core.errors import Invalid
from auditor.core.extensions import db
from auditor.insights import calibration
from auditor.insights.queries import Scope, section_keys_of
from auditor.models import utcnow

blp = Blueprint("calibration", __name__, url_prefix="/api/v1", description="Auditor calibration")

DEFAULT_DAYS = 180  # DESIGN §10.5's example: calibration needs a longer window than rankings


class CalibrationArgs(QuerySchema):
    days = ma.fields.Integer(load_default=DEFAULT_DAYS, validate=ma.validate.Range(min=1, max=3660))
    region_id = Id(strict=False)
    checklist = ma.fields.String(
        load_default=DEFAULT_CHECKLIST_KEY, validate=ma.validate.Length(min=1, max=64)
    )


class CalibratedSchema(ma.Schema):
    auditor = ma.fields.Nested(UserRefSchema)
    n = ma.fields.Integer()
    bias = ma.fields.Float()
    ci = ma.fields.List(ma.fields.Float(), allow_none=True)
    flag = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(["high", "low"]))


class CalibrationSchema(ma.Schema):
    from_ = ma.fields.AwareDateTime(data_key="from")
    to = ma.fields.AwareDateTime()
    items = ma.fields.List(ma.fields.Nested(CalibratedSchema))


@blp.route("/calibration")
class Calibration(MethodView):
    @blp.arguments(CalibrationArgs, location="query")
    @blp.response(200, CalibrationSchema)
    def get(self, args):
        """Per auditor: n differences from the peers' mean at the same stores, their mean
        (`bias`), its 95% Student-t interval and a `high`/`low` flag; flagged first."""
        region_ids = access.manager_region_ids(current_user, args.get("region_id"))
        if "region_id" in args:
            access.get_region_for(db.session, current_user, args["region_id"])
        scope = Scope(region_ids, args["checklist"])
        result = calibration.calibration(db.session, scope, utcnow(), args["days"])
        if not result["items"] and not section_keys_of(db.session, args["checklist"]):
            raise Invalid({"checklist": [f"No checklist with the key {args['checklist']!r}."]})
        return {
            "from_": result["from"],
            "to": result["to"],
            "items": [item._asdict() for item in result["items"]],
        }
