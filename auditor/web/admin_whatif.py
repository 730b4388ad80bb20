"""The admin's what-if page (DESIGN §10.6): a draft's effect on the window's scores and ranks,
shown before its publish button. Attaches its route to the checklists blueprint."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditor import access
from auditor.core.database import read_only
from auditor.core.extensions import db
from auditor.insights import whatif
from auditor.org import listings
from auditor.web.admin_checklists import bp
from auditor.web.pages import DAY_CHOICES, DEFAULT_DAYS, as_int, now, roles


@bp.get("/<int:checklist_id>/what-if")
@roles("admin")
def what_if(checklist_id: int):
    """How many audits the draft rescores, each store's current and draft score and rank,
    the biggest movers; then the publish button."""
    region_id = as_int(request.args.get("region_id"))
    days = min(as_int(request.args.get("days")) or DEFAULT_DAYS, 3660)
    with read_only(db.session):  # however long it takes, SQLite's write lock stays free
        draft = access.get_checklist_for(db.session, current_user, checklist_id)
        if draft.status != "draft":
            flash(f"{draft.key} v{draft.version} is published: nothing to compare.", "info")
            return redirect(url_for("admin_checklists.checklists_page"))
        region = access.get_region_for(db.session, current_user, region_id) if region_id else None
        result = whatif.what_if(
            db.session,
            draft,
            None if region is None else [region.id],
            now(),
            days,
            current_app.config["RANKING_PRIOR_WEIGHT"],
        )
        regions = listings.region_choices(db.session, current_user)
    return render_template(
        "admin/checklist_whatif.html",
        draft=draft,
        result=result,
        movers=whatif.biggest_movers(result["items"]),
        region=region,
        regions=regions,
        days=days,
        day_choices=DAY_CHOICES,
    )
