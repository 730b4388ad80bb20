"""A real SMTP server for the email tests: aiosmtpd's Controller on a free port, its messages
collected as parsed emails; the app under test sends to it (MAIL_URL) with links on BASE_URL."""

import email
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

BASE_URL = "https://auditor.example"


@dataclass
class Received:
    """One message as the SMTP server received it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class Sink:
    """The SMTP server's handler: keeps every message it is given."""

    def __init__(self):
        self.received: list[Received] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, _server, _session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        """The messages one address got."""
        with self.lock:
            return [r for r in self.received if address in r.rcpt_tos]

    def recipients(self) -> list[str]:
        """Every recipient of every message, in order (one per message: each has one)."""
        with self.lock:
            return [address for r in self.received for address in r.rcpt_tos]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A running SMTP server the app sends to; stopped after the test."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{port}", BASE_URL=BASE_URL)
    yield sink
    controller.stop()
