"""Admin pages for checklists: versions, JSON import, publishing, a diff between versions."""

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditor import access
from auditor.checklists import compare, versions
from auditor.core.errors import DomainError, Invalid
from auditor.core.extensions import db
from auditor.models import Checklist
from auditor.web.pages import as_int, flash_error, roles

bp = Blueprint("admin_checklists", __name__, url_prefix="/admin/checklists")
MAX_JSON_BYTES = 1024 * 1024


@bp.get("")
@roles("admin")
def checklists_page():
    """Every version of every checklist, newest first within a key."""
    every = db.session.scalars(versions.every_version()).all()
    return render_template("admin/checklists.html", versions=every)


def _uploaded_json() -> object:
    upload = request.files.get("file")
    raw = upload.read(MAX_JSON_BYTES + 1) if upload and upload.filename else b""
    raw = raw or request.form.get("definition", "").encode()
    if not raw.strip() or len(raw) > MAX_JSON_BYTES:
        raise Invalid({"file": ["Choose a JSON file (or paste one) of at most 1 MB."]})
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Invalid({"file": [f"Not valid JSON: {error}"]}) from error


@bp.post("")
@roles("admin")
def import_json():
    """Save a definition: it replaces the latest draft or becomes the next draft version."""
    try:
        definition = versions.parse_definition(_uploaded_json())
        checklist, created = versions.save_definition(db.session, current_user, definition)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("admin_checklists.checklists_page"))
    db.session.commit()
    verb = "Created" if created else "Replaced the draft"
    flash(f"{verb}: {checklist.key} v{checklist.version}.", "info")
    return redirect(url_for("admin_checklists.checklists_page"))


@bp.post("/<int:checklist_id>/publish")
@roles("admin")
def publish(checklist_id: int):
    """Publish a draft version (published versions never change)."""
    checklist = access.get_checklist_for(db.session, current_user, checklist_id)
    versions.publish(db.session, current_user, checklist)
    db.session.commit()
    flash(f"Published {checklist.key} v{checklist.version}.", "info")
    return redirect(url_for("admin_checklists.checklists_page"))


def _definition(checklist_id: int | None) -> tuple[Checklist, dict]:
    checklist = access.get_checklist_for(db.session, current_user, checklist_id or 0)
    return checklist, versions.definition_of(checklist)


@bp.get("/diff")
@roles("admin")
def diff():
    """What changed from one version (`old`) to another (`new`), by section and question."""
    old, old_definition = _definition(as_int(request.args.get("old")))
    new, new_definition = _definition(as_int(request.args.get("new")))
    result = compare.diff(old_definition, new_definition)
    return render_template(
        "admin/checklist_diff.html",
        old=old,
        new=new,
        result=result,
        empty=compare.is_empty(result),
    )
