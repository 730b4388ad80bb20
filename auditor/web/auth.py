"""Logging in and out of the pages (session cookie, CSRF-protected forms)."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from auditor.core.errors import TooManyRequests, Unauthorized
from auditor.core.extensions import db
from auditor.people.authentication import start_session
from auditor.people.login import LoginSettings, log_in, log_out

bp = Blueprint("web_auth", __name__)


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; on success, go where the user was heading (on this site only)."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    email = request.form.get("email", "")
    try:
        user = log_in(
            db.session,
            email,
            request.form.get("password", ""),
            address=request.remote_addr or "",
            settings=LoginSettings.from_config(current_app.config),
        )
    except (Unauthorized, TooManyRequests) as error:
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after else {}
        page = render_template(
            "login.html", error=error.detail, email=email, next=request.form.get("next", "")
        )
        return page, error.status, headers
    start_session(user)
    db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("web.home"))


@bp.post("/logout")
def logout():
    """End this login everywhere, with the tokens it minted; the old cookie stops working."""
    # no login_required: an expired session's "Log out" would come back to GET /logout (405)
    if current_user.is_authenticated:
        log_out(db.session, current_user)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("web_auth.login"))
