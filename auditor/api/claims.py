"""Open visits auditors may claim (DESIGN §10.8): `GET /api/v1/assignments/open` near a point or
in the auditor's regions, and `POST /api/v1/assignments/<id>/claim` (first claim wins, 409 for
the rest). Routes of the assignments blueprint."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user

from auditor.api.assignments import AssignmentSchema, blp
from auditor.api.common import QuerySchema
from auditor.core.extensions import db
from auditor.models import utcnow
from auditor.scheduling import claims


class OpenArgs(QuerySchema):
    lat = ma.fields.Float(validate=ma.validate.Range(min=-90, max=90))
    lon = ma.fields.Float(validate=ma.validate.Range(min=-180, max=180))
    radius_km = ma.fields.Float(validate=ma.validate.Range(min=0.1, max=1000))

    @ma.validates_schema
    def _both(self, data, **_kwargs):
        if ("lat" in data) != ("lon" in data):
            raise ma.ValidationError("Give lat and lon together.", "lat")


class OpenVisitSchema(AssignmentSchema):
    distance_m = ma.fields.Float(
        dump_only=True, allow_none=True, metadata={"description": "From lat/lon, when given."}
    )


class OpenVisitsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OpenVisitSchema))


@blp.route("/open")
class OpenVisits(MethodView):
    @blp.arguments(OpenArgs, location="query")
    @blp.response(200, OpenVisitsSchema)
    def get(self, args):
        """Open, unassigned visits an auditor may claim: within `radius_km` (default 50) of
        `lat`/`lon`, nearest first, or else in the auditor's regions, soonest first."""
        return {"items": claims.open_visits(db.session, current_user, utcnow(), **args)}


@blp.route("/<id:assignment_id>/claim")
class ClaimVisit(MethodView):
    @blp.response(200, AssignmentSchema)
    @blp.alt_response(409, description="Claimed by someone else first, or it clashes")
    def post(self, assignment_id):
        """Claim an open visit: the first claim wins."""
        visit = claims.claim(db.session, current_user, assignment_id, utcnow())
        db.session.commit()
        return visit
