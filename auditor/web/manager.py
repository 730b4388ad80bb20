"""The manager's pages: the ranking dashboard, a store's breakdown, heatmap, weakest questions."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from auditor import access
from auditor.core.errors import NotFound
from auditor.core.extensions import db
from auditor.disputes import listing as dispute_listing
from auditor.disputes import rates as dispute_rates
from auditor.insights import breakdowns, charts
from auditor.insights.queries import Scope, published_checklist_keys
from auditor.org import listings
from auditor.web.pages import DAY_CHOICES, as_int, current_filters, now, ranked, roles, scope_of

bp = Blueprint("manager", __name__, url_prefix="/manager")
MANAGERS = ("admin", "manager")


def _choices() -> dict:
    """What the filter form offers: the user's regions, checklists, sections, windows."""
    return {
        "regions": listings.region_choices(db.session, current_user),
        "checklists": published_checklist_keys(db.session),
        "day_choices": DAY_CHOICES,
        "charts": charts,
    }


@bp.get("")
@roles(*MANAGERS)
def dashboard():
    """Stores ranked by shrunk score, with n, CI, rank movement and a sparkline each."""
    filters = current_filters(db.session)
    scope = scope_of(current_user, filters)
    result = ranked(filters, scope)
    trends = breakdowns.monthly_trends(
        db.session, scope_of(current_user, filters, section=False), now()
    )
    return render_template(
        "manager/dashboard.html",
        filters=filters,
        result=result,
        sparklines=charts.sparklines(trends),
        sections=breakdowns.sections_of(db.session, filters.checklist),
        **_choices(),
    )


@bp.get("/locations/<int:location_id>")
@roles(*MANAGERS)
def location(location_id: int):
    """One store: its sections against the region, its weakest questions, recent audits."""
    store = access.get_location_for(db.session, current_user, location_id)
    filters = current_filters(db.session)
    start, end = filters.window(now())
    breakdown = breakdowns.store_breakdown(db.session, store, filters.checklist, start, end)
    rates = dispute_rates.by_location(
        db.session, Scope([store.region_id], filters.checklist), start, end
    )
    recent = [audit.id for audit in breakdown["recent"]]
    return render_template(
        "manager/location.html",
        store=store,
        filters=filters,
        dispute_rate=rates.get(store.id),
        dispute_marks=dispute_listing.counts_by_audit(db.session, recent),
        dispute_mark=dispute_listing.mark,
        sections=breakdowns.sections_of(db.session, filters.checklist),
        **breakdown,
        **_choices(),
    )


@bp.get("/questions/<key>")
@roles(*MANAGERS)
def question(key: str):
    """The approved audits in scope where one question failed, with the answer's comment."""
    filters = current_filters(db.session)
    found = breakdowns.question_text(db.session, filters.checklist, key)
    if found is None:
        raise NotFound(f"Question {key} not found.")
    location_id = as_int(request.args.get("location_id"))
    store = access.get_location_for(db.session, current_user, location_id) if location_id else None
    start, end = filters.window(now())
    failures = breakdowns.failed_answers(
        db.session, scope_of(current_user, filters, section=False), start, end, key, location_id
    )
    return render_template(
        "manager/question.html",
        question=found,
        store=store,
        filters=filters,
        failures=failures,
        **_choices(),
    )


@bp.get("/heatmap")
@roles(*MANAGERS)
def heatmap():
    """Locations by sections: the mean section score of each, coloured in five bands."""
    filters = current_filters(db.session)
    scope = scope_of(current_user, filters, section=False)
    table = breakdowns.heatmap_table(db.session, scope, *filters.window(now()))
    return render_template(
        "manager/heatmap.html",
        filters=filters,
        sections=breakdowns.sections_of(db.session, filters.checklist),
        **table,
        **_choices(),
    )


@bp.get("/weakest")
@roles(*MANAGERS)
def weakest():
    """The questions failed most often across the scope (a section filter narrows them)."""
    filters = current_filters(db.session)
    start, end = filters.window(now())
    rows = breakdowns.weakest_questions(db.session, scope_of(current_user, filters), start, end)
    return render_template(
        "manager/weakest.html",
        filters=filters,
        rows=rows,
        sections=breakdowns.sections_of(db.session, filters.checklist),
        **_choices(),
    )
