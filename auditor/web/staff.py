"""The staff page: one's own scorecard (DESIGN §4), beside store and region means."""

from flask import Blueprint, render_template
from flask_login import current_user

from auditor import access
from auditor.core.extensions import db
from auditor.insights import breakdowns, charts, scorecards
from auditor.models import User
from auditor.web.pages import DAY_CHOICES, current_filters, now, roles

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _page(staff: User):
    filters = current_filters(db.session)
    card = scorecards.scorecard(db.session, staff, filters.checklist, now(), filters.days)
    cells, region_means = {}, {}
    if staff.location is not None:
        cells, region_means = breakdowns.store_against_region(
            db.session, staff.location, filters.checklist, *filters.window(now())
        )
    return render_template(
        "staff/scorecard.html",
        card=card,
        filters=filters,
        sections=breakdowns.sections_of(db.session, filters.checklist),
        store_means=cells,
        region_means=region_means,
        questions=breakdowns.question_texts(db.session, filters.checklist),
        charts=charts,
        day_choices=DAY_CHOICES,
    )


@bp.get("")
@roles("staff")
def mine():
    """The signed-in staff member's own scorecard."""
    return _page(current_user)


@bp.get("/<int:staff_id>")
@roles("admin", "manager", "staff")
def scorecard(staff_id: int):
    """A staff member's scorecard for their managers and admins (and themselves)."""
    return _page(access.get_staff_for(db.session, current_user, staff_id))
