"""What-if before publishing (DESIGN §10.6): a draft's effect on the window's scores and ranks."""

import marshmallow as ma
import orjson
from flask import Response, current_app
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.common import Id, LocationRefSchema
from auditor.core.database import read_only
from auditor.core.extensions import db
from auditor.insights import whatif
from auditor.models import utcnow

blp = Blueprint(
    "whatif", __name__, url_prefix="/api/v1/checklists", description="What-if before publishing"
)


class WhatIfInputSchema(ma.Schema):
    days = ma.fields.Integer(load_default=90, validate=ma.validate.Range(min=1, max=3660))
    region_id = Id(allow_none=True, load_default=None)


class WhatIfPlaceSchema(ma.Schema):
    score = ma.fields.Float()
    rank = ma.fields.Integer()


class WhatIfItemSchema(ma.Schema):
    location = ma.fields.Nested(LocationRefSchema)
    current = ma.fields.Nested(WhatIfPlaceSchema, allow_none=True)
    draft = ma.fields.Nested(WhatIfPlaceSchema, allow_none=True)


class WhatIfSchema(ma.Schema):
    from_ = ma.fields.AwareDateTime(data_key="from")
    to = ma.fields.AwareDateTime()
    audits = ma.fields.Integer()
    items = ma.fields.List(ma.fields.Nested(WhatIfItemSchema))


@blp.route("/<id:checklist_id>/what-if")
class WhatIf(MethodView):
    @blp.arguments(WhatIfInputSchema)
    @blp.response(200, WhatIfSchema)
    @blp.alt_response(409, description="The checklist is published, not a draft")
    def post(self, args, checklist_id):
        """Rescore the window's approved audits of the draft's key under the draft: each
        location's current and draft score and rank. Nothing is stored."""
        access.require_role(current_user, "admin")
        region_id = args["region_id"]
        with read_only(db.session):  # a read, however long: SQLite's write lock stays free
            draft = access.get_checklist_for(db.session, current_user, checklist_id)
            if region_id is not None:
                access.get_region_for(db.session, current_user, region_id)
            result = whatif.what_if(
                db.session,
                draft,
                None if region_id is None else [region_id],
                utcnow(),
                args["days"],
                current_app.config["RANKING_PRIOR_WEIGHT"],
            )
        body = {**result, "from": result["from"].isoformat(), "to": result["to"].isoformat()}
        # orjson, as rankings: a thousand stores' items are built by hand in the shape above
        return Response(orjson.dumps(body), mimetype="application/json")
