"""Webhooks (DESIGN §10.7): admins register URLs for events, read each one's delivery log and
send it a test event. The secret is write-only."""

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from auditor import access
from auditor.api.common import PageArgs, page_schema, paginate
from auditor.core.extensions import db
from auditor.models import WebhookDelivery
from auditor.notify import webhook_delivery, webhooks
from auditor.notify.events import WEBHOOK_EVENTS

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks", description="Webhooks")

Str = ma.fields.String


class WebhookSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    url = Str(required=True, validate=ma.validate.Length(min=1, max=webhooks.URL_MAX))
    events = ma.fields.List(
        Str(validate=ma.validate.OneOf(WEBHOOK_EVENTS)),
        required=True,
        validate=ma.validate.Length(min=1, max=len(WEBHOOK_EVENTS)),
    )
    secret = Str(
        required=True,
        load_only=True,
        validate=ma.validate.Length(min=1, max=webhooks.SECRET_MAX),
        metadata={"description": "Signs every body (HMAC-SHA256); never shown again."},
    )
    active = ma.fields.Boolean(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class DeliverySchema(ma.Schema):
    id = ma.fields.Integer()
    event = Str()
    event_id = Str(metadata={"description": "The body's `id`: one per event."})
    attempts = ma.fields.Integer()
    status_code = ma.fields.Integer(allow_none=True)
    delivered_at = ma.fields.AwareDateTime(allow_none=True)
    next_attempt_at = ma.fields.AwareDateTime(allow_none=True)
    status = Str(metadata={"description": "delivered, pending or failed"})
    last_error = Str(allow_none=True)
    created_at = ma.fields.AwareDateTime()


def _webhook(webhook_id: int):
    access.require_role(current_user, "admin")
    return webhooks.get(db.session, webhook_id)


@blp.route("")
class Webhooks(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(WebhookSchema))
    def get(self, args):
        """Every webhook (admin)."""
        access.require_role(current_user, "admin")
        return paginate(db.session, webhooks.listing(), **args)

    @blp.arguments(WebhookSchema)
    @blp.response(201, WebhookSchema)
    def post(self, data):
        """Register a webhook (admin): an http(s) URL, its events and a secret."""
        access.require_role(current_user, "admin")
        webhook = webhooks.create(
            db.session,
            current_user,
            **data,
            allow_private=webhooks.private_allowed(current_app.config),
        )
        db.session.commit()
        return webhook


@blp.route("/<id:webhook_id>")
class WebhookItem(MethodView):
    @blp.response(200, WebhookSchema)
    def get(self, webhook_id):
        """One webhook (admin)."""
        return _webhook(webhook_id)

    @blp.response(204)
    def delete(self, webhook_id):
        """Remove a webhook and its delivery log (admin)."""
        webhooks.delete(db.session, current_user, _webhook(webhook_id))
        db.session.commit()


@blp.route("/<id:webhook_id>/deliveries")
class WebhookDeliveries(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(DeliverySchema))
    def get(self, args, webhook_id):
        """The webhook's deliveries, newest first: attempts, last status, next attempt."""
        webhook = _webhook(webhook_id)
        stmt = (
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.id.desc())
        )
        return paginate(db.session, stmt, **args)


@blp.route("/<id:webhook_id>/test")
class WebhookTest(MethodView):
    @blp.response(202, DeliverySchema)
    def post(self, webhook_id):
        """Send the webhook a test event (`webhook.test`) now; its delivery is answered."""
        delivery = webhook_delivery.send_test(db.session, _webhook(webhook_id))
        db.session.commit()
        return delivery
