"""The signed-in landing page: each role goes to its own home."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

bp = Blueprint("web", __name__)

HOMES = {"admin": "manager.dashboard", "manager": "manager.dashboard", "staff": "staff.mine"}


@bp.get("/")
@login_required
def home():
    """Send managers and admins to the dashboard, staff to their scorecard, auditors to /app."""
    endpoint = HOMES.get(current_user.role)
    return redirect(url_for(endpoint) if endpoint else "/app")
