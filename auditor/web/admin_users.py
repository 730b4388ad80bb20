"""Admin pages for accounts: the table of users, a new account, one account's form."""

from flask import current_app, render_template, request
from flask_login import current_user

from auditor import access
from auditor.core.errors import DomainError, Invalid
from auditor.core.extensions import db
from auditor.models import ROLES
from auditor.org import listings
from auditor.people import accounts, directory
from auditor.people.passwords import PasswordHashing
from auditor.web.admin import bp, refused, saved
from auditor.web.pages import as_int, roles


def _choices() -> dict:
    """What an account's form offers: roles, regions to manage, a store to work at."""
    return {
        "roles": ROLES,
        "regions": listings.region_choices(db.session, current_user),
        "locations": listings.location_choices(db.session, current_user),
    }


@bp.get("/users")
@roles("admin")
def users():
    """Every account, with a form for a new one."""
    every = directory.accounts_with_places(db.session)
    return render_template("admin/users.html", users=every, **_choices())


def _user_fields(form, *, new: bool) -> dict:
    fields = {
        "email": form.get("email", "").strip(),
        "name": form.get("name", "").strip(),
        "role": form.get("role", ""),
        "region_ids": [i for i in map(as_int, form.getlist("region_ids")) if i],
        "location_id": as_int(form.get("location_id")),
        "lead": form.get("lead") == "on",
    }
    errors = {k: ["Required."] for k in ("email", "name") if not fields[k]}
    if fields["role"] not in ROLES:
        errors["role"] = [f"One of {', '.join(ROLES)}."]
    if errors:
        raise Invalid(errors)
    if form.get("password") or new:
        fields["password"] = form.get("password", "")
    if not new:
        fields["active"] = form.get("active") == "on"
    return fields


def _hashing() -> PasswordHashing:
    return PasswordHashing.from_config(current_app.config)


@bp.post("/users")
@roles("admin")
def create_user():
    """Create an account."""
    try:
        fields = _user_fields(request.form, new=True)
        user = accounts.create_user(db.session, current_user, hashing=_hashing(), **fields)
    except DomainError as error:
        return refused(error, "admin.users")
    return saved(f"Created {user.email} ({user.role}).", "admin.users")


@bp.get("/users/<int:user_id>")
@roles("admin")
def edit_user(user_id: int):
    """One account's form."""
    user = access.get_user_for(db.session, current_user, user_id)
    return render_template("admin/user.html", user=user, **_choices())


@bp.post("/users/<int:user_id>")
@roles("admin")
def update_user(user_id: int):
    """Change an account; a new role, password or deactivation ends its sessions."""
    user = access.get_user_for(db.session, current_user, user_id)
    try:
        changes = _user_fields(request.form, new=False)
        accounts.update_user(db.session, current_user, user, changes, hashing=_hashing())
    except DomainError as error:
        return refused(error, "admin.edit_user", user_id=user_id)
    return saved(f"Saved {user.email}.", "admin.users")
