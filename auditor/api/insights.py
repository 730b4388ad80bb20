"""Rankings and staff scorecards (DESIGN §4): managers compare stores, staff see their own."""

import marshmallow as ma
import orjson
from flask import Response, current_app
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import Id, LocationRefSchema, QuerySchema
from auditor.checklists.versions import DEFAULT_CHECKLIST_KEY
from auditor.core.errors import Invalid
from auditor.core.extensions import db
from auditor.insights import ranking, scorecards
from auditor.insights.queries import Scope, section_keys_of
from auditor.models import utcnow

blp = Blueprint("insights", __name__, url_prefix="/api/v1", description="Rankings and scorecards")

Float = ma.fields.Float


class WindowArgs(QuerySchema):
    days = ma.fields.Integer(load_default=90, validate=ma.validate.Range(min=1, max=3660))
    checklist = ma.fields.String(
        load_default=DEFAULT_CHECKLIST_KEY, validate=ma.validate.Length(min=1, max=64)
    )


class RankingArgs(WindowArgs):
    region_id = Id(strict=False)
    section = ma.fields.String(validate=ma.validate.Length(min=1, max=64))


class RankedSchema(ma.Schema):
    rank = ma.fields.Integer()
    previous_rank = ma.fields.Integer(allow_none=True)
    location = ma.fields.Nested(LocationRefSchema)
    score = Float()
    mean = Float()
    n = ma.fields.Integer()
    ci = ma.fields.List(Float(), allow_none=True)


class UnrankedSchema(ma.Schema):
    location = ma.fields.Nested(LocationRefSchema)


class RankingSchema(ma.Schema):
    from_ = ma.fields.AwareDateTime(data_key="from")
    to = ma.fields.AwareDateTime()
    items = ma.fields.List(ma.fields.Nested(RankedSchema))
    unranked = ma.fields.List(ma.fields.Nested(UnrankedSchema))


class CommentSchema(ma.Schema):
    question = ma.fields.String()
    comment = ma.fields.String()


class RecentSchema(ma.Schema):
    uuid = ma.fields.String()
    finished_at = ma.fields.AwareDateTime()
    location = ma.fields.Nested(LocationRefSchema)
    score = Float(allow_none=True)
    comments = ma.fields.List(ma.fields.Nested(CommentSchema))


class StaffSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    location = ma.fields.Nested(LocationRefSchema, allow_none=True)


class TrendSchema(ma.Schema):
    month = ma.fields.String()
    n = ma.fields.Integer()
    score = Float()


class ScorecardSchema(ma.Schema):
    staff = ma.fields.Nested(StaffSchema)
    from_ = ma.fields.AwareDateTime(data_key="from")
    to = ma.fields.AwareDateTime()
    n = ma.fields.Integer()
    overall = Float(allow_none=True)
    sections = ma.fields.Dict(keys=ma.fields.String(), values=Float())
    trend = ma.fields.List(ma.fields.Nested(TrendSchema))
    recent = ma.fields.List(ma.fields.Nested(RecentSchema))
    location_mean = Float(allow_none=True)
    region_mean = Float(allow_none=True)


def _check_checklist(key: str, section: str | None) -> None:
    sections = section_keys_of(db.session, key)
    if not sections:
        raise Invalid({"checklist": [f"No checklist with the key {key!r}."]})
    if section is not None and section not in sections:
        raise Invalid({"section": [f"No section {section!r} in checklist {key!r}."]})


def _with_from(data: dict) -> dict:
    return {**data, "from_": data.pop("from")}


def ranking_json(result: dict) -> dict:
    """A ranking as JSON-ready data, shaped exactly as RankingSchema documents it.

    Built by hand because a ranking of a thousand stores spent more time in the schema's
    dump than in its SQL; schemathesis checks these answers against the documented shape.
    """
    return {**result, "from": result["from"].isoformat(), "to": result["to"].isoformat()}


@blp.route("/rankings")
class Rankings(MethodView):
    @blp.arguments(RankingArgs, location="query")
    @blp.response(200, RankingSchema)
    def get(self, args):
        """Locations ranked by shrunk mean score over the window, with previous ranks."""
        region_ids = access.manager_region_ids(current_user, args.get("region_id"))
        if "region_id" in args:
            access.get_region_for(db.session, current_user, args["region_id"])
        scope = Scope(region_ids, args["checklist"], args.get("section"))
        result = ranking.ranking(
            db.session, scope, utcnow(), args["days"], current_app.config["RANKING_PRIOR_WEIGHT"]
        )
        if not result["items"]:  # audits found prove the checklist and section exist
            _check_checklist(args["checklist"], args.get("section"))
        # orjson: a thousand stores make 200 KB of floats, 6 ms in the standard encoder
        return Response(orjson.dumps(ranking_json(result)), mimetype="application/json")


def _scorecard(staff_id: int, args: dict) -> dict:
    staff = access.get_staff_for(db.session, current_user, staff_id)
    _check_checklist(args["checklist"], None)
    return _with_from(
        scorecards.scorecard(db.session, staff, args["checklist"], utcnow(), args["days"])
    )


@blp.route("/staff/<id:staff_id>/scorecard")
class StaffScorecard(MethodView):
    @blp.arguments(WindowArgs, location="query")
    @blp.response(200, ScorecardSchema)
    def get(self, args, staff_id):
        """A staff member's scorecard: their own, their managers', or an admin's view."""
        return _scorecard(staff_id, args)


@blp.route("/me/scorecard")
class MyScorecard(MethodView):
    @blp.arguments(WindowArgs, location="query")
    @blp.response(200, ScorecardSchema)
    def get(self, args):
        """The signed-in staff member's own scorecard."""
        access.require_role(current_user, "staff")
        return _scorecard(current_user.id, args)
