"""The signed-in landing page."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def home():
    """What the signed-in user can do, by role."""
    return render_template("home.html", user=current_user)
