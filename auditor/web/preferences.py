"""Each user's email settings (DESIGN §10.7): every kind of email they may get, each one to turn
off, and for managers a daily digest instead of one mail per failed visit."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditor.core.extensions import db
from auditor.models import EMAIL_KINDS, EmailPreference, User
from auditor.web.pages import roles

bp = Blueprint("preferences", __name__, url_prefix="/account")

LABELS = {
    "audit_alert": "A visit in my regions fails (critical failure or score below target)",
    "audit_returned": "An audit of mine is returned to me",
    "assignment_created": "I am given a new visit",
    "visit_tomorrow": "A visit of mine is tomorrow (a reminder)",
    "action_opened": "A corrective action I own is opened",
    "action_due_soon": "A corrective action I own is due in 2 days",
    "action_overdue": "A corrective action I own is overdue",
    "dispute_opened": "A dispute is opened",
    "dispute_settled": "A dispute I opened is settled",
}
# the kinds that can reach each role: nobody is offered a switch for mail they never get
KINDS_BY_ROLE = {
    "admin": ("dispute_opened",),
    "manager": (
        "audit_alert",
        "action_opened",
        "action_due_soon",
        "action_overdue",
        "dispute_settled",
    ),
    "auditor": ("audit_returned", "assignment_created", "visit_tomorrow"),
    "staff": ("action_opened", "action_due_soon", "action_overdue", "dispute_settled"),
}


def kinds_for(user: User) -> list[str]:
    """The kinds of email a user of this role may get, in the order of EMAIL_KINDS."""
    offered = KINDS_BY_ROLE.get(user.role, ())
    return [kind for kind in EMAIL_KINDS if kind in offered]


@bp.get("/email")
@roles("admin", "manager", "auditor", "staff")
def email():
    """The signed-in user's email settings."""
    found = db.session.get(EmailPreference, current_user.id)
    return render_template(
        "preferences.html",
        kinds=kinds_for(current_user),
        labels=LABELS,
        off=set(found.off or []) if found else set(),
        digest=bool(found and found.digest),
        back=request.referrer if _same_site(request.referrer) else None,
    )


@bp.post("/email")
@roles("admin", "manager", "auditor", "staff")
def save():
    """Keep the kinds ticked, turn off the others; a manager may choose the daily digest."""
    offered = kinds_for(current_user)
    ticked = set(request.form.getlist("kinds"))
    found = db.session.get(EmailPreference, current_user.id)
    if found is None:
        found = EmailPreference(user_id=current_user.id, off=[], digest=False)
        db.session.add(found)
    # kinds this role is not offered keep their setting: the form never showed them
    kept = [kind for kind in (found.off or []) if kind not in offered]
    found.off = kept + [kind for kind in offered if kind not in ticked]
    found.digest = current_user.role == "manager" and request.form.get("digest") == "1"
    db.session.commit()
    flash("Email settings saved.", "info")
    return redirect(url_for("preferences.email"))


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)
