"""The JSON API under /api/v1: flask-smorest blueprints, one module per resource with its
schemas, authentication and error translation to problem+json. Thin: each route parses with a
schema, calls `access` and one domain function, commits once and dumps a schema. Never imports
the pages (`auditor.web`).
"""

import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from auditor.api import (
    actions,
    app_support,
    assignments,
    audits,
    auth,
    calibration,
    checklists,
    claims,  # noqa: F401  (attaches its routes to assignments.blp)
    disputes,
    insights,
    locations,
    me,
    photos,
    regions,
    reviews,
    schedules,
    unavailability,
    users,
    webhooks,
    whatif,
)
from auditor.api.base import Api, ProblemResponses
from auditor.api.common import IdConverter, id_converter_schema
from auditor.checklists.definition import JsonNumber
from auditor.core import strict_json
from auditor.core.database import SAFE_METHODS
from auditor.core.errors import DomainError, Forbidden, Unauthorized
from auditor.core.extensions import csrf
from auditor.people.authentication import auth_method

api = Api()

BLUEPRINTS = (
    auth.blp,
    me.blp,
    regions.blp,
    locations.blp,
    users.blp,
    checklists.blp,
    assignments.blp,
    audits.blp,
    reviews.blp,
    disputes.blp,
    photos.blp,
    actions.blp,
    app_support.blp,
    insights.blp,
    calibration.blp,
    whatif.blp,
    webhooks.blp,
    schedules.blp,
    unavailability.blp,
)
# reachable without credentials: logging in and the API's own description
PUBLIC = frozenset({("auth.Tokens", "POST"), ("api-docs.openapi_json", "GET")})


def _require_credentials() -> None:
    if not request.path.startswith("/api/") or request.url_rule is None:
        return  # not ours, or a routing error (404/405) that answers on its own
    if (request.endpoint, request.method) in PUBLIC:
        return
    if not current_user.is_authenticated:
        raise Unauthorized("Log in: send `Authorization: Bearer <token>`.")
    if auth_method() == "session" and request.method not in SAFE_METHODS:
        # a cookie rides along on cross-site requests; a header a foreign page cannot set
        try:
            validate_csrf(request.headers.get("X-CSRF-Token"))
        except (ValidationError, CSRFError) as error:
            raise Forbidden("Send the page's CSRF token in X-CSRF-Token.") from error


def _readable_json_body() -> None:
    # checked strictly before any view, so webargs' own json.loads only meets sound text
    if request.is_json and (body := request.get_data(cache=True)):
        try:
            strict_json.loads(body)
        except strict_json.UnreadableJson as error:
            raise DomainError(f"The body is not JSON this API can read: {error}.") from error


def schema_name(schema: type[ma.Schema] | ma.Schema) -> str:
    """OpenAPI component names: `Location`, and `LocationPatch` for a PATCH body."""
    cls = resolve_schema_cls(schema)
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    return name + "Patch" if isinstance(schema, ma.Schema) and schema.partial else name


def register_api(app: Flask) -> None:
    """Mount every API blueprint and its guards on the app."""
    app.url_map.converters["id"] = IdConverter
    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    api.init_app(
        app, spec_kwargs={"marshmallow_plugin": plugin, "extra_plugins": [ProblemResponses()]}
    )
    # a number kept as given (20 stays 20): typed, so Range reads as minimum/maximum
    plugin.map_to_openapi_type(JsonNumber, "number", None)
    api.register_converter(IdConverter, id_converter_schema)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"}
    )
    api.spec.options["security"] = [{"bearer": []}]
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)  # checked in _require_credentials, cookie sessions only
        api.register_blueprint(blueprint)
    app.before_request(_require_credentials)
    app.before_request(_readable_json_body)
