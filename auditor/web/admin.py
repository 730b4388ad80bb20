"""Admin pages: the `admin` blueprint and what its pages share.

The pages live by responsibility, each attaching its routes to `bp`: `admin_users` (accounts),
`admin_locations` (stores and their CSV import) and `admin_assignments` (planned visits, one or
many). `auditor.web` imports all three before it registers the blueprint, so that every
endpoint (`admin.users`, `admin.locations`, `admin.assignments`, ...) keeps its name.
"""

from flask import Blueprint, flash, redirect, url_for
from werkzeug import Response

from auditor.core.errors import DomainError
from auditor.core.extensions import db
from auditor.web.pages import flash_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


def saved(message: str, endpoint: str, **values) -> Response:
    """Commit the request's change, say so and go to `endpoint`."""
    db.session.commit()
    flash(message, "info")
    return redirect(url_for(endpoint, **values))


def refused(error: DomainError, endpoint: str, **values) -> Response:
    """Drop the request's change, flash why and go back to `endpoint`."""
    db.session.rollback()
    flash_error(error)
    return redirect(url_for(endpoint, **values))
