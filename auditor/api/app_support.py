"""What the phone app needs beyond the contract: a token from the page login, the stores an
auditor may visit unplanned, and a store's roster of staff to name."""

from flask import current_app
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.assignments import PlaceSchema
from auditor.api.auth import TokenSchema
from auditor.api.common import PageArgs, UserRefSchema, page_schema, paginate
from auditor.core.errors import Forbidden
from auditor.core.extensions import db
from auditor.people import tokens
from auditor.people.authentication import auth_method

blp = Blueprint(
    "app_support", __name__, url_prefix="/api/v1", description="For the auditor phone app"
)


class StaffMemberSchema(UserRefSchema):
    """A staff member as an auditor sees them: id and name only."""


@blp.route("/auth/session-token")
class SessionToken(MethodView):
    @blp.response(200, TokenSchema)
    @blp.alt_response(403, description="Not a page session, or no CSRF token")
    def post(self):
        """Exchange the page's login session (cookie and X-CSRF-Token) for a bearer token.

        The phone app keeps the token, so that requests queued offline replay hours later.
        """
        if auth_method() != "session":
            raise Forbidden("Log in on the page first; API clients use POST /api/v1/auth/token.")
        # from the session: logging out of the pages revokes it (DESIGN §5)
        policy = tokens.TokenPolicy.from_config(current_app.config)
        raw, token = tokens.issue_token(db.session, current_user, policy, from_session=True)
        db.session.commit()
        return {"token": raw, "expires_at": token.expires_at, "user": current_user}


@blp.route("/me/locations")
class MyLocations(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(PlaceSchema))
    def get(self, args):
        """Active stores the caller may audit (auditors: all; managers: their regions)."""
        return paginate(db.session, access.auditable_locations(current_user), **args)


@blp.route("/locations/<id:location_id>/staff")
class LocationStaff(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(StaffMemberSchema))
    def get(self, args, location_id):
        """The store's active staff, names and ids only, to say who served (not for staff)."""
        location = access.get_auditable_location_for(db.session, current_user, location_id)
        return paginate(db.session, access.location_roster(location), **args)
