"""CSV downloads of audits and of the ranking, streamed, with the dashboard's filters."""

from collections.abc import Iterator

from flask import Blueprint, Response, request, stream_with_context
from flask_login import current_user

from auditor import access
from auditor.core.extensions import db
from auditor.insights import exports
from auditor.models import AUDIT_STATUSES
from auditor.web.pages import current_filters, now, ranked, roles, scope_of

bp = Blueprint("exports", __name__, url_prefix="/manager/export")


def _csv(lines: Iterator[str], name: str) -> Response:
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/audits.csv")
@roles("admin", "manager")
def audits_csv():
    """Audits in scope finished in the window (optionally of one status), newest first."""
    filters = current_filters(db.session)
    status = request.args.get("status")
    lines = exports.audits_csv(
        db.session,
        access.visible_audits(current_user),
        scope_of(current_user, filters, section=False),
        filters.window(now()),
        status if status in AUDIT_STATUSES else None,
    )
    return _csv(lines, f"audits-{filters.checklist}.csv")


@bp.get("/ranking.csv")
@roles("admin", "manager")
def ranking_csv():
    """The dashboard's ranking as CSV: same filters, same numbers."""
    filters = current_filters(db.session)
    result = ranked(filters, scope_of(current_user, filters))
    suffix = f"-{filters.section}" if filters.section else ""
    name = f"ranking-{filters.checklist}{suffix}-{filters.days}d.csv"
    return _csv(exports.ranking_csv(result), name)
