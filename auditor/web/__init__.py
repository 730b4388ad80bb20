"""Server-rendered pages: logging in, the auditor phone app, manager, admin and staff pages, and
exports. Routes are thin: they call `access` and the domain packages and render templates; they
never import the API (`auditor.api`).
"""

from flask import Flask

from auditor.insights import charts
from auditor.web import (
    actions,
    admin,
    admin_assignments,  # noqa: F401  (attaches its routes to admin.bp)
    admin_checklists,
    admin_locations,  # noqa: F401  (attaches its routes to admin.bp)
    admin_users,  # noqa: F401  (attaches its routes to admin.bp)
    admin_webhooks,  # noqa: F401  (attaches its routes to admin.bp)
    admin_whatif,  # noqa: F401  (attaches its route to admin_checklists.bp)
    auth,
    calibration,
    disputes,
    exports,
    home,
    manager,
    preferences,
    review,
    schedules,
    staff,
)
from auditor.web import app as phone_app


def register_pages(app: Flask) -> None:
    """Mount the page blueprints."""
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(phone_app.bp)
    pages_in_order = (
        manager,
        calibration,
        review,
        actions,
        exports,
        staff,
        admin,
        admin_checklists,
        preferences,
    )
    for pages in pages_in_order:
        app.register_blueprint(pages.bp)
    app.register_blueprint(disputes.bp)  # a lead's store audits, the admin's open disputes
    app.register_blueprint(schedules.bp)  # schedules of visits and their preview (§10.8)
    # a filter, not a macro: tables of a thousand stores print several scores a row
    app.add_template_filter(charts.one_decimal, "score")
