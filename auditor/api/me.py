"""The current user."""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor.api.auth import UserSummarySchema

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The current user")


@blp.route("")
class Me(MethodView):
    @blp.response(200, UserSummarySchema)
    def get(self):
        """The user the request is authenticated as."""
        return current_user
