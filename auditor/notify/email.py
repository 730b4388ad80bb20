"""Email: composing a message with plain-text and HTML bodies, and sending it over SMTP at
`MAIL_URL` from a queue job (retried when the server fails); without `MAIL_URL` a message is
logged, not sent (DESIGN §10.7)."""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from flask import render_template

from auditor.notify.queue import app_config, task

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 30  # seconds; a job that waits longer fails and is retried
SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "ssl": 465}
SETTINGS_PATH = "/account/email"  # the page where each kind is turned off


@dataclass(frozen=True)
class MailServer:
    """Where `MAIL_URL` points: `smtp://host:25`, `smtp+starttls://user:pass@host:587` or
    `smtps://user:pass@host:465`."""

    host: str
    port: int
    security: str
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> "MailServer":
        """Parse a MAIL_URL; an unknown scheme or a missing host is a configuration error."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            schemes = ", ".join(f"{scheme}://" for scheme in SCHEMES)
            raise ValueError(f"MAIL_URL must start with one of {schemes} and name a host")
        security = SCHEMES[parts.scheme]
        return cls(
            host=parts.hostname,
            port=parts.port or DEFAULT_PORTS[security],
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


@dataclass(frozen=True)
class Email:
    """One message to one person (nobody sees who else got it)."""

    to: str
    subject: str
    text: str
    html: str


def compose(address: str, subject: str, template: str, **context) -> Email:
    """An email from `templates/email/<template>.txt` and `.html` rendered with `context`."""
    context.setdefault("settings_url", link(SETTINGS_PATH))
    return Email(
        to=address,
        subject=subject,
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", subject=subject, **context),
    )


def as_message(email: Email, sender: str) -> EmailMessage:
    """The MIME message: plain text, with the HTML body as its alternative."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


def deliver(email: Email) -> None:
    """Send one email now over SMTP at MAIL_URL, or log it when no MAIL_URL is set."""
    config = app_config()
    message = as_message(email, config["MAIL_FROM"])
    if not config.get("MAIL_URL"):
        log.info("email not sent (no MAIL_URL): to %s: %s\n%s", email.to, email.subject, email.text)
        return
    server = MailServer.from_url(config["MAIL_URL"])
    smtp_class = smtplib.SMTP_SSL if server.security == "ssl" else smtplib.SMTP
    with smtp_class(server.host, server.port, timeout=SMTP_TIMEOUT) as smtp:
        if server.security == "starttls":
            smtp.starttls()
        if server.username:
            smtp.login(server.username, server.password or "")
        smtp.send_message(message)
    log.info("email sent to %s: %s", email.to, email.subject)


@task()
def send_email(to: str, subject: str, text: str, html: str, attempt: int = 1) -> None:
    """The queue job sending one email. An SMTP failure schedules the next attempt after
    MAIL_RETRY_BASE_SECONDS x 2^(attempt - 1), in the queue's storage (a worker restart loses
    nothing), MAIL_ATTEMPTS in all; the last failure is logged and raised."""
    try:
        deliver(Email(to=to, subject=subject, text=text, html=html))
    except (OSError, smtplib.SMTPException) as error:
        config = app_config()
        if attempt >= config["MAIL_ATTEMPTS"]:
            log.error("email to %s not sent after %d attempts: %s", to, attempt, error)
            raise
        delay = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (attempt - 1)
        log.warning("email to %s failed (%s); attempt %d in %.0f s", to, error, attempt + 1, delay)
        send_email.schedule((to, subject, text, html, attempt + 1), delay=delay)


def enqueue(email: Email) -> None:
    """Queue one email to be sent (we are already in a job, after the commit)."""
    send_email(email.to, email.subject, email.text, email.html)


def link(path: str) -> str:
    """An absolute link to a page: BASE_URL and the path."""
    base = app_config().get("BASE_URL") or "http://127.0.0.1:5000"
    return base.rstrip("/") + path
