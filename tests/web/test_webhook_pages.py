"""The admin's webhook pages (DESIGN §10.7): add one, see it listed, send a test event to a real
receiver and read its delivery log, delete it; a refused URL changes nothing; managers get 403."""

import pytest
from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import Webhook, WebhookDelivery
from tests.web.page_world import browse_as, csrf_of
from tests.webhooks.receiver import receiving


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_of(client, "/admin/webhooks"), **data})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_admin_adds_tests_reads_the_log_of_and_deletes_a_webhook(app, client, world):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    browse_as(client, world.admin)
    with receiving() as receiver:
        added = post(
            client,
            "/admin/webhooks",
            {"url": receiver.url, "secret": "page-secret", "events": ["audit.approved"]},
        )
        assert added.status_code == 302
        hook = db.session.scalar(select(Webhook))
        assert (hook.url, hook.events) == (receiver.url, ["audit.approved"])
        assert receiver.url in client.get("/admin/webhooks").get_data(as_text=True)
        page = f"/admin/webhooks/{hook.id}"
        assert post(client, f"{page}/test", {}).status_code == 302
        (arrived,) = receiver.all()
    assert arrived.json["type"] == "webhook.test"
    assert arrived.signed_by("page-secret")
    log = client.get(page).get_data(as_text=True)
    assert "webhook.test" in log
    assert "delivered" in log
    assert "HTTP 200" in log
    assert "page-secret" not in log  # the secret is never shown again
    assert post(client, f"{page}/delete", {"confirm": "yes"}).status_code == 302
    assert count(Webhook) == 0
    assert count(WebhookDelivery) == 0


@pytest.mark.parametrize(
    ("url", "events", "said"),
    [
        ("ftp://example.com/x", ["audit.approved"], "Give an http:// or https:// URL"),
        ("http://127.0.0.1:9/x", ["audit.approved"], "a loopback or private address"),
        ("https://example.com/x", [], "Choose among"),
    ],
)
def test_a_refused_webhook_is_flashed_and_changes_nothing(client, world, url, events, said):
    browse_as(client, world.admin)
    refused = post(client, "/admin/webhooks", {"url": url, "secret": "s", "events": events})
    assert refused.status_code == 302
    assert count(Webhook) == 0
    assert said in client.get("/admin/webhooks").get_data(as_text=True)


def test_managers_may_not_see_webhook_pages(client, world):
    browse_as(client, world.manager_a)
    assert client.get("/admin/webhooks").status_code == 403
    token = csrf_of(client, "/manager")
    assert (
        client.post(
            "/admin/webhooks",
            data={
                "csrf_token": token,
                "url": "https://example.com/x",
                "secret": "s",
                "events": ["audit.approved"],
            },
        ).status_code
        == 403
    )
    assert count(Webhook) == 0
