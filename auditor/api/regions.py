"""Regions: admins manage them, managers read their own."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import PageArgs, Text, page_schema, paginate
from auditor.core.extensions import db
from auditor.org import organisation, rules

blp = Blueprint("regions", __name__, url_prefix="/api/v1/regions", description="Regions")


class RegionSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = Text(required=True, validate=rules.REGION["name"])  # the domain's rules


@blp.route("")
class Regions(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(RegionSchema))
    def get(self, args):
        """Regions in the caller's scope."""
        return paginate(db.session, access.visible_regions(current_user), **args)

    @blp.arguments(RegionSchema)
    @blp.response(201, RegionSchema)
    @blp.alt_response(409, description="A region with this name exists")
    def post(self, data):
        """Create a region (admin)."""
        access.require_role(current_user, "admin")
        region = organisation.create_region(db.session, current_user, data["name"])
        db.session.commit()
        return region


@blp.route("/<id:region_id>")
class RegionItem(MethodView):
    @blp.response(200, RegionSchema)
    def get(self, region_id):
        """One region in the caller's scope."""
        return access.get_region_for(db.session, current_user, region_id)

    @blp.arguments(RegionSchema(partial=True))
    @blp.response(200, RegionSchema)
    def patch(self, data, region_id):
        """Rename a region (admin)."""
        access.require_role(current_user, "admin")
        region = access.get_region_for(db.session, current_user, region_id)
        organisation.update_region(db.session, current_user, region, data)
        db.session.commit()
        return region
