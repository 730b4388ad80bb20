"""The calibration page (DESIGN §10.5): each auditor's bias against peers at the same stores,
its interval and flag, beside a chart of their scores against their peers'."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from auditor.core.extensions import db
from auditor.insights import calibration, charts, score_spread
from auditor.insights.queries import published_checklist_keys
from auditor.org import listings
from auditor.web.pages import DAY_CHOICES, now, parse_filters, roles, scope_of

bp = Blueprint("calibration_page", __name__, url_prefix="/manager")
DEFAULT_DAYS = 180  # as the API's: a bias needs more visits than a ranking


@bp.get("/calibration")
@roles("admin", "manager")
def page():
    """Auditors with n, bias, interval and flag (flagged first), each with a distribution."""
    args = {"days": str(DEFAULT_DAYS), **request.args.to_dict()}
    filters = parse_filters(db.session, current_user, args)
    scope = scope_of(current_user, filters, section=False)
    result = calibration.calibration(db.session, scope, now(), filters.days)
    spreads = score_spread.spreads(db.session, scope, result["from"], result["to"])
    empty = score_spread.Spread([0] * score_spread.BANDS, [0] * score_spread.BANDS)
    rows = [
        (
            item,
            score_spread.spread_chart(item.auditor["name"], spreads.get(item.auditor["id"], empty)),
        )
        for item in result["items"]
    ]
    return render_template(
        "manager/calibration.html",
        filters=filters,
        result=result,
        rows=rows,
        regions=listings.region_choices(db.session, current_user),
        checklists=published_checklist_keys(db.session),
        day_choices=DAY_CHOICES,
        charts=charts,
    )
