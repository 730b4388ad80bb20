"""The flask-smorest Api, taught to speak problem+json for every error."""

from http import HTTPStatus

import marshmallow as ma
from apispec import BasePlugin
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from auditor.core.errors import flatten_errors
from auditor.core.problems import (
    PROBLEM_JSON,
    error_page,
    is_api_request,
    problem,
    strip_locations,
)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation only)."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))


PROBLEM_CONTENT = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


class ProblemResponses(BasePlugin):
    """apispec plugin: every documented error response (4xx, 5xx) carries a problem+json body,
    also those declared with a description only, so generated clients can parse them."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        """Add the problem+json content to error responses that name no content."""
        for operation in (operations or {}).values():
            for status, response in operation.get("responses", {}).items():
                is_error = str(status)[:1] in ("4", "5")
                if is_error and isinstance(response, dict) and "content" not in response:
                    response["content"] = PROBLEM_CONTENT


def _headers_of(error: HTTPException) -> dict[str, str]:
    # werkzeug keeps Allow (405) and WWW-Authenticate in the exception's own headers
    keep = {"allow", "www-authenticate", "retry-after"}
    headers = {k: v for k, v in error.get_headers() if k.lower() in keep}
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    return headers


class Api(SmorestApi):
    """flask-smorest with RFC 9457 errors and documented problem responses."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException):
        """Render any HTTP error: problem+json for the API, an HTML page otherwise."""
        if not is_api_request():
            return error_page(error, error.code), error.code
        data = getattr(error, "data", None) or {}
        errors = None
        if "messages" in data:
            errors = flatten_errors(strip_locations(data["messages"]))
        elif "errors" in data:
            errors = data["errors"]
        detail = data.get("message") or error.description
        if errors and error.code == 422:
            detail = "The request is invalid: see errors."
        elif errors:  # e.g. 400 "Invalid JSON body.": say what was wrong
            detail = " ".join(m for messages in errors.values() for m in messages)
        return problem(error.code, detail, errors=errors, headers=_headers_of(error))

    def _register_responses(self):
        """Document every status's default response as application/problem+json."""
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)
