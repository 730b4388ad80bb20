"""An auditor's declared days off (DESIGN §10.8 extension): schedules never plan a visit for
them on those days, and they cannot claim one then."""

from datetime import date

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor.core.errors import NotFound
from auditor.core.extensions import db
from auditor.models import utcnow
from auditor.scheduling import unavailability

blp = Blueprint(
    "unavailability",
    __name__,
    url_prefix="/api/v1/me/unavailability",
    description="An auditor's days off",
)


class DaysSchema(ma.Schema):
    days = ma.fields.List(
        ma.fields.Date(),
        required=True,
        validate=ma.validate.Length(max=unavailability.MAX_DAYS),
        metadata={"description": "Days (the stores' local days) the auditor cannot visit."},
    )


@blp.route("")
class Unavailability(MethodView):
    @blp.response(200, DaysSchema)
    def get(self):
        """The auditor's days off from today on."""
        return {"days": unavailability.listing(db.session, current_user, utcnow().date())}

    @blp.arguments(DaysSchema)
    @blp.response(200, DaysSchema)
    def post(self, data):
        """Declare days off (added to those already given); answers every day off from today."""
        days = unavailability.add(db.session, current_user, data["days"], utcnow().date())
        db.session.commit()
        return {"days": days}


@blp.route("/<string:day>")
class UnavailableDay(MethodView):
    @blp.response(204)
    def delete(self, day):
        """Take back a day off."""
        try:
            parsed = date.fromisoformat(day)
        except ValueError as error:
            raise NotFound(f"{day!r} is not a day (YYYY-MM-DD).") from error
        unavailability.remove(db.session, current_user, parsed)
        db.session.commit()
