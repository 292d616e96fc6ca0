"""A real SMTP server in the test process (aiosmtpd), recording what it receives."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.servers import free_port


@dataclass
class RecordingHandler:
    """Accepts mail, or answers the queued replies first (e.g. ``"451 4.3.0 later"``)."""

    data_replies: list[str] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    messages: list[EmailMessage] = field(default_factory=list)
    data_attempts: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        if self.data_replies:
            return self.data_replies.pop(0)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    def environ(self) -> dict[str, str]:
        """Settings that point an app's SMTP backend here."""
        return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": self.host, "MAIL_PORT": str(self.port)}


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[SmtpServer]:
    """A recording SMTP server on ``port`` (a free one unless given)."""
    handler = RecordingHandler()
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()
