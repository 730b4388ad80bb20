"""Bearer tokens for the phone app and other API clients."""

import marshmallow as ma
from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from auditor.core.errors import Unauthorized
from auditor.core.extensions import db
from auditor.people import tokens
from auditor.people.login import LoginSettings, log_in

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


@blp.route("/token")
class Tokens(MethodView):
    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Wrong email or password")
    @blp.alt_response(429, description="Too many failed logins")
    def post(self, credentials):
        """Exchange email and password for a bearer token."""
        # the failure counters are those of the login form: guesses cannot switch doors
        user = log_in(
            db.session,
            credentials["email"],
            credentials["password"],
            address=request.remote_addr or "",
            settings=LoginSettings.from_config(current_app.config),
        )
        raw, token = tokens.issue_token(
            db.session, user, tokens.TokenPolicy.from_config(current_app.config)
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
        tokens.revoke_token(db.session, token)
        db.session.commit()
