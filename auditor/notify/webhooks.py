"""Webhook registrations (DESIGN §10.7): who may add one, which URLs are refused, and the events
each wants. Sending lives in `webhook_delivery`; what each event's body holds in
`webhook_payloads`."""

import ipaddress
import socket
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from auditor.core import audit_log
from auditor.core.errors import Invalid, NotFound
from auditor.models import User, Webhook
from auditor.notify.events import WEBHOOK_EVENTS

URL_MAX = 2000
SECRET_MAX = 200


def private_allowed(config: Mapping[str, Any]) -> bool:
    """Whether webhooks may target loopback and private addresses: in development, or with
    WEBHOOK_ALLOW_PRIVATE=1."""
    return bool(config["WEBHOOK_ALLOW_PRIVATE"]) or config["AUDITOR_ENV"] == "development"


def _address_refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope ("%eth0") is no address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def resolved_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def private_target(url: str) -> str | None:
    """The loopback, private, link-local or reserved address `url`'s host resolves to, if any."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolved_addresses(parts.hostname or "", port)
    except (OSError, UnicodeError):
        return "unresolvable"
    return next((address for address in addresses if _address_refused(address)), None)


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL as registered, or 422: http(s) with a host, and (unless allowed) no host that
    resolves to a loopback, private, link-local or reserved address."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port out of range or not a number)
    except ValueError as error:
        raise Invalid({"url": [f"Not a URL: {error}."]}) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid({"url": ["Give an http:// or https:// URL with a host."]})
    if parts.username is not None or parts.password is not None:
        raise Invalid({"url": ["Credentials in the URL are not accepted; use the secret."]})
    if not allow_private:
        refused = private_target(url)
        if refused == "unresolvable":
            raise Invalid({"url": [f"The host {parts.hostname} does not resolve."]})
        if refused:
            raise Invalid(
                {"url": [f"The host resolves to {refused}, a loopback or private address."]}
            )
    return url


def create(
    session: Session,
    actor: User,
    *,
    url: str,
    events: Sequence[str],
    secret: str,
    allow_private: bool,
) -> Webhook:
    """Register a webhook for `events` (each once, in the documented order)."""
    unknown = sorted(set(events) - set(WEBHOOK_EVENTS))
    if unknown or not events:
        known = ", ".join(WEBHOOK_EVENTS)
        raise Invalid({"events": [f"Choose among {known}; unknown: {', '.join(unknown)}."]})
    webhook = Webhook(
        url=check_url(url, allow_private=allow_private),
        events=[event for event in WEBHOOK_EVENTS if event in events],
        secret=secret,
        active=True,
        created_by_id=actor.id,
    )
    session.add(webhook)
    session.flush()
    audit_log.record(session, actor, "webhook.create", "webhook", webhook.id, url=url)
    return webhook


def listing() -> Select:
    """Every webhook, oldest first (admins only: the caller checks the role)."""
    return select(Webhook).order_by(Webhook.id)


def get(session: Session, webhook_id: int) -> Webhook:
    """One webhook, or 404."""
    webhook = session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound(f"Webhook {webhook_id} not found.")
    return webhook


def delete(session: Session, actor: User, webhook: Webhook) -> None:
    """Remove the webhook; its deliveries (pending ones too) go with it."""
    audit_log.record(session, actor, "webhook.delete", "webhook", webhook.id, url=webhook.url)
    session.delete(webhook)
