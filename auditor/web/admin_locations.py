"""Admin pages for locations: the table of stores, one store's form, (de)activation and the
CSV import."""

import marshmallow as ma
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditor import access
from auditor.core.errors import DomainError, Invalid
from auditor.core.extensions import db
from auditor.org import hours, listings, location_import, organisation
from auditor.web.admin import bp, refused, saved
from auditor.web.pages import as_int, roles

MAX_IMPORT_BYTES = 2 * 1024 * 1024


@bp.get("/locations")
@roles("admin")
def locations(report=None):
    """Every location, a form for a new one and the CSV import."""
    return render_template(
        "admin/locations.html",
        locations=listings.locations_with_regions(db.session, current_user),
        regions=listings.region_choices(db.session, current_user),
        report=report,
        columns=location_import.COLUMNS,
        hours_example=hours.EXAMPLE,
    )


def _location_fields(form) -> dict:
    errors, data = {}, {}
    for field in ("code", "name"):
        data[field] = form.get(field, "").strip()
        if not data[field]:
            errors[field] = ["Required."]
    data["region_id"] = as_int(form.get("region_id"))
    if data["region_id"] is None:
        errors["region_id"] = ["Pick a region."]
    data["address"] = form.get("address", "").strip()
    data["timezone"] = form.get("timezone", "").strip() or "UTC"
    try:
        data["opening_hours"] = hours.parse(form.get("opening_hours", ""))
    except ma.ValidationError as error:
        errors["opening_hours"] = error.messages
    for field in ("lat", "lon"):
        raw = form.get(field, "").strip()
        try:
            data[field] = float(raw) if raw else None
        except ValueError:
            errors[field] = ["Not a number."]
    if errors:
        raise Invalid(errors)
    return data


@bp.post("/locations")
@roles("admin")
def create_location():
    """Create one location."""
    try:
        data = _location_fields(request.form)
        store = organisation.create_location(db.session, current_user, data)
    except DomainError as error:
        return refused(error, "admin.locations")
    return saved(f"Created {store.code}.", "admin.locations")


@bp.get("/locations/<int:location_id>")
@roles("admin")
def edit_location(location_id: int):
    """One location's form."""
    store = access.get_location_for(db.session, current_user, location_id)
    regions = listings.region_choices(db.session, current_user)
    return render_template(
        "admin/location.html",
        store=store,
        regions=regions,
        opening_hours=hours.describe(store.opening_hours),
        hours_example=hours.EXAMPLE,
    )


@bp.post("/locations/<int:location_id>")
@roles("admin")
def update_location(location_id: int):
    """Change a location's code, name, region, address, position, time zone or opening hours."""
    store = access.get_location_for(db.session, current_user, location_id)
    try:
        data = _location_fields(request.form)
        organisation.update_location(db.session, current_user, store, data)
    except DomainError as error:
        return refused(error, "admin.edit_location", location_id=location_id)
    return saved(f"Saved {store.code}.", "admin.locations")


@bp.post("/locations/<int:location_id>/active")
@roles("admin")
def toggle_location(location_id: int):
    """Deactivate or reactivate a location (its audits stay)."""
    store = access.get_location_for(db.session, current_user, location_id)
    organisation.update_location(db.session, current_user, store, {"active": not store.active})
    return saved(
        f"{store.code} is {'active' if store.active else 'inactive'} now.", "admin.locations"
    )


@bp.post("/locations/import")
@roles("admin")
def import_locations():
    """Import a CSV: every row, or none with a report of each wrong row."""
    upload = request.files.get("file")
    raw = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
    if not raw or len(raw) > MAX_IMPORT_BYTES:
        flash("Choose a CSV file of at most 2 MB.", "error")
        return redirect(url_for("admin.locations"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        flash("The file is not UTF-8 text.", "error")
        return redirect(url_for("admin.locations"))
    report = location_import.import_locations(db.session, current_user, text)
    if report.errors:
        db.session.rollback()
        return locations(report=report), 422
    return saved(f"Imported {len(report.rows)} locations.", "admin.locations")
