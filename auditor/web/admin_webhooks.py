"""Admin pages for webhooks (DESIGN §10.7): the list with a form for a new one, and one
webhook's delivery log with its "send a test event" and delete buttons."""

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from auditor.core.errors import DomainError, Invalid
from auditor.core.extensions import db
from auditor.models import WebhookDelivery
from auditor.notify import webhook_delivery, webhooks
from auditor.notify.events import WEBHOOK_EVENTS
from auditor.web.admin import bp, refused, saved
from auditor.web.pages import page_of, roles


@bp.get("/webhooks")
@roles("admin")
def webhooks_page():
    """Every webhook, with a form for a new one."""
    every = db.session.scalars(webhooks.listing()).all()
    return render_template("admin/webhooks.html", webhooks=every, events=WEBHOOK_EVENTS)


@bp.post("/webhooks")
@roles("admin")
def create_webhook():
    """Register a webhook from the form."""
    try:
        webhook = webhooks.create(
            db.session,
            current_user,
            url=request.form.get("url", "").strip(),
            events=request.form.getlist("events"),
            secret=_secret(request.form.get("secret", "")),
            allow_private=webhooks.private_allowed(current_app.config),
        )
    except DomainError as error:
        return refused(error, "admin.webhooks_page")
    return saved(f"Webhook {webhook.id} added.", "admin.webhook_page", webhook_id=webhook.id)


def _secret(raw: str) -> str:
    if not raw or len(raw) > webhooks.SECRET_MAX:
        raise Invalid({"secret": [f"Give a secret of 1 to {webhooks.SECRET_MAX} characters."]})
    return raw


@bp.get("/webhooks/<int:webhook_id>")
@roles("admin")
def webhook_page(webhook_id: int):
    """One webhook: its events and its delivery log, newest first."""
    webhook = webhooks.get(db.session, webhook_id)
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id)
        .order_by(WebhookDelivery.id.desc())
    )
    return render_template("admin/webhook.html", webhook=webhook, page=page_of(db.session, stmt))


@bp.post("/webhooks/<int:webhook_id>/test")
@roles("admin")
def test_webhook(webhook_id: int):
    """Send the webhook a test event."""
    delivery = webhook_delivery.send_test(db.session, webhooks.get(db.session, webhook_id))
    return saved(
        f"Test event sent (delivery {delivery.id}).", "admin.webhook_page", webhook_id=webhook_id
    )


@bp.post("/webhooks/<int:webhook_id>/delete")
@roles("admin")
def delete_webhook(webhook_id: int):
    """Remove a webhook and its delivery log."""
    webhook = webhooks.get(db.session, webhook_id)
    webhooks.delete(db.session, current_user, webhook)
    return saved(f"Webhook {webhook_id} deleted.", "admin.webhooks_page")
