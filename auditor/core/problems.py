"""RFC 9457 problem details: the one error format of the API."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Response, json, request

PROBLEM_JSON = "application/problem+json"
API_PREFIXES = ("/api/", "/healthz")


def is_api_request() -> bool:
    """True when the request expects JSON problems rather than an HTML page."""
    return request.path.startswith(API_PREFIXES) or request.path == "/api"


def strip_locations(messages: Mapping[str, Any]) -> Any:
    """webargs nests messages under their location (json, query, ...); clients want fields."""
    if len(messages) == 1:
        return next(iter(messages.values()))
    merged: dict[str, Any] = {}
    for value in messages.values():
        merged.update(value if isinstance(value, Mapping) else {"_schema": value})
    return merged


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A problem+json response; `errors` lists validation messages per field."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or phrase,
        "status": status,
        "detail": detail or phrase,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
