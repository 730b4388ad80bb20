"""RFC 9457 problem details: the one error format of the API."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Response, json, render_template, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from auditor.core.extensions import db, login_manager

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


def error_page(error: Exception, status: int) -> str:
    """The HTML error page, rendered even while the database is unreachable."""
    if status == 503:
        _as_anonymous()  # the database is what failed: do not ask it for the user again
    else:
        try:
            getattr(current_user, "name", None)  # loads the user (and their name) for the page
        except SQLAlchemyError:
            db.session.rollback()
            _as_anonymous()
    return render_template("error.html", error=error)


def _as_anonymous() -> None:
    # only for this page's header: the session cookie, and so the sign-in, stays as it was
    login_manager._update_request_context_with_user()
