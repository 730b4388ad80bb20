"""Bearer tokens for the phone app and other API clients."""

import marshmallow as ma
from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from auditor.core.errors import TooManyRequests, Unauthorized
from auditor.core.extensions import db
from auditor.models import User
from auditor.people import accounts, login_throttle

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="API tokens")


class CredentialsSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=254))
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1024))


class UserSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    role = ma.fields.String()


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()
    user = ma.fields.Nested(UserSummarySchema)


def log_in(email: str, password: str) -> User:
    """The user behind these credentials, counting and limiting failures (shared with /login)."""
    address = request.remote_addr or ""
    wait = login_throttle.retry_after(email, address)
    if wait is not None:
        raise TooManyRequests("Too many failed logins; try again later.", retry_after=wait)
    user = accounts.authenticate(db.session, email, password)
    if user is None:
        login_throttle.record_failure(email, address)
        raise Unauthorized("Wrong email or password.")
    return user


@blp.route("/token")
class Tokens(MethodView):
    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Wrong email or password")
    @blp.alt_response(429, description="Too many failed logins")
    def post(self, credentials):
        """Exchange email and password for a bearer token."""
        user = log_in(credentials["email"], credentials["password"])
        raw, token = accounts.issue_token(
            db.session, user, current_app.config["API_TOKEN_LIFETIME"]
        )
        db.session.commit()
        return {"token": raw, "expires_at": token.expires_at, "user": user}

    @blp.response(204)
    @blp.alt_response(401, description="No valid bearer token")
    def delete(self):
        """Revoke the bearer token this request carries."""
        token = g.get("api_token")
        if token is None:
            raise Unauthorized("Send the bearer token to revoke.")
        accounts.revoke_token(db.session, token)
        db.session.commit()
