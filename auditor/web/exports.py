"""CSV downloads of audits and of the ranking, streamed, with the dashboard's filters."""

from flask import Blueprint, Response, current_app, request, stream_with_context
from flask_login import current_user
from sqlalchemy import select

from auditor import access
from auditor.core.extensions import db
from auditor.insights import breakdowns, exports, ranking
from auditor.models import AUDIT_STATUSES, Audit, Checklist, Location
from auditor.web.pages import current_filters, now, roles, scope_of

bp = Blueprint("exports", __name__, url_prefix="/manager/export")


def _csv(lines, name: str) -> Response:
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/audits.csv")
@roles("admin", "manager")
def audits_csv():
    """Audits in scope finished in the window (optionally of one status), newest first."""
    filters = current_filters(db.session)
    scope = scope_of(current_user, filters, section=False)
    start, end = filters.window(now())
    stmt = access.visible_audits(current_user).where(
        Audit.finished_at >= start,
        Audit.finished_at < end,
        Audit.checklist_id.in_(select(Checklist.id).where(Checklist.key == scope.checklist_key)),
    )
    if scope.region_ids is not None:
        stmt = stmt.where(Audit.location_id.in_(_locations(scope.region_ids)))
    status = request.args.get("status")
    if status in AUDIT_STATUSES:
        stmt = stmt.where(Audit.status == status)
    keys = [key for key, _title in breakdowns.sections_of(db.session, filters.checklist)]
    rows = exports.audit_rows(db.session, stmt.order_by(Audit.finished_at.desc()), keys)
    header = [*exports.AUDIT_HEADER, *(f"section_{key}" for key in keys)]
    return _csv(exports.csv_lines(header, rows), f"audits-{filters.checklist}.csv")


def _locations(region_ids):
    return select(Location.id).where(Location.region_id.in_(region_ids))


@bp.get("/ranking.csv")
@roles("admin", "manager")
def ranking_csv():
    """The dashboard's ranking as CSV: same filters, same numbers."""
    filters = current_filters(db.session)
    prior = current_app.config["RANKING_PRIOR_WEIGHT"]
    result = ranking.ranking(
        db.session, scope_of(current_user, filters), now(), filters.days, prior
    )
    suffix = f"-{filters.section}" if filters.section else ""
    return _csv(
        exports.csv_lines(exports.RANKING_HEADER, exports.ranking_rows(result)),
        f"ranking-{filters.checklist}{suffix}-{filters.days}d.csv",
    )
