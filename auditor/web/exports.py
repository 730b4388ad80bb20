"""CSV downloads of audits and of the ranking, streamed, with the dashboard's filters."""

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from flask import Blueprint, Response, request, stream_with_context
from flask_login import current_user

from auditor import access
from auditor.checklists.definition import SLUG
from auditor.checklists.versions import latest_version
from auditor.core.errors import NotFound
from auditor.core.extensions import db
from auditor.insights import exports
from auditor.models import AUDIT_STATUSES
from auditor.web.pages import current_filters, now, ranked, roles, scope_of

bp = Blueprint("exports", __name__, url_prefix="/manager/export")


def attachment(name: str) -> str:
    """Content-Disposition of a download (RFC 6266): an ASCII `filename` for old clients and
    the exact name as UTF-8 in `filename*`; quotes, CR/LF and the like cannot break out."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("_.") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _existing_filters():
    """The request's filters, with a checklist that exists (the name of every download)."""
    asked = request.args.get("checklist")
    # a key no checklist can have (NUL, CR/LF, quotes) is not looked up: PostgreSQL refuses NUL
    if asked is not None and not SLUG.fullmatch(asked):
        raise NotFound("There is no checklist with that key.")
    filters = current_filters(db.session)
    if latest_version(db.session, filters.checklist) is None:
        raise NotFound(f"There is no checklist with the key {filters.checklist!r}.")
    return filters


def _csv(lines: Iterator[str], name: str) -> Response:
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = attachment(name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/audits.csv")
@roles("admin", "manager")
def audits_csv():
    """Audits in scope finished in the window (optionally of one status), newest first."""
    filters = _existing_filters()
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
    filters = _existing_filters()
    result = ranked(filters, scope_of(current_user, filters))
    suffix = f"-{filters.section}" if filters.section else ""
    name = f"ranking-{filters.checklist}{suffix}-{filters.days}d.csv"
    return _csv(exports.ranking_csv(result), name)
