"""Locations (stores): admins manage them, managers read their regions'."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import Id, PageArgs, Text, page_schema, paginate
from auditor.core.extensions import db
from auditor.org import hours, listings, organisation, rules

blp = Blueprint("locations", __name__, url_prefix="/api/v1/locations", description="Locations")


class LocationSchema(ma.Schema):
    # the rules of each field are the domain's (org/rules.py), declared here so the OpenAPI
    # document shows them
    id = ma.fields.Integer(dump_only=True)
    code = ma.fields.String(required=True, validate=rules.LOCATION["code"])
    name = Text(required=True, validate=rules.LOCATION["name"])
    region_id = Id(required=True)
    address = Text(load_default="", validate=rules.LOCATION["address"])
    lat = ma.fields.Float(allow_none=True, validate=rules.LOCATION["lat"])
    lon = ma.fields.Float(allow_none=True, validate=rules.LOCATION["lon"])
    timezone = ma.fields.String(load_default="UTC", validate=organisation.validate_timezone)
    active = ma.fields.Boolean(load_default=True)
    # DESIGN §2: local time, a weekday left out is closed; null when not set
    opening_hours = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(hours.WEEKDAYS)),
        values=ma.fields.List(
            ma.fields.String(validate=ma.validate.Regexp(hours.TIME_PATTERN)),
            validate=ma.validate.Length(equal=2),
        ),
        allow_none=True,
        validate=rules.LOCATION["opening_hours"],
        metadata={"example": {"mon": ["09:00", "20:00"], "sat": ["10:00", "16:00"]}},
    )


class LocationArgs(PageArgs):
    region_id = Id(strict=False)
    active = ma.fields.Boolean()


@blp.route("")
class Locations(MethodView):
    @blp.arguments(LocationArgs, location="query")
    @blp.response(200, page_schema(LocationSchema))
    def get(self, args):
        """Locations in the caller's scope, optionally of one region."""
        stmt = listings.location_listing(
            current_user, region_id=args.pop("region_id", None), active=args.pop("active", None)
        )
        return paginate(db.session, stmt, **args)

    @blp.arguments(LocationSchema)
    @blp.response(201, LocationSchema)
    @blp.alt_response(409, description="A location with this code exists")
    def post(self, data):
        """Create a location (admin)."""
        access.require_role(current_user, "admin")
        location = organisation.create_location(db.session, current_user, data)
        db.session.commit()
        return location


@blp.route("/<id:location_id>")
class LocationItem(MethodView):
    @blp.response(200, LocationSchema)
    def get(self, location_id):
        """One location in the caller's scope."""
        return access.get_location_for(db.session, current_user, location_id)

    @blp.arguments(LocationSchema(partial=True))
    @blp.response(200, LocationSchema)
    def patch(self, data, location_id):
        """Change a location (admin)."""
        access.require_role(current_user, "admin")
        location = access.get_location_for(db.session, current_user, location_id)
        organisation.update_location(db.session, current_user, location, data)
        db.session.commit()
        return location
