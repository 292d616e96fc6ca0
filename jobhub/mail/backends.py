"""Mail backends chosen by ``MAIL_BACKEND``: smtp, console (development) or memory (tests).

The memory backend keeps every delivered mail in a per-app outbox:
``outbox(app)`` returns them in order, ``clear_outbox(app)`` empties it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections import OrderedDict
from dataclasses import asdict, dataclass
from email.message import EmailMessage, Message
from email.utils import formatdate
from typing import Any, Protocol

import redis
from flask import Flask

from jobhub.extensions import redis_store

log = logging.getLogger("jobhub.mail")

OUTBOX_KEY = "mail_outbox"
SENT_IDS_KEY = "mail_sent_ids"
SENT_KEY_PREFIX = "jobhub:mail:sent:"
# How long a delivered message id is remembered, so a redelivered task does not send twice.
SENT_TTL_SECONDS = 7 * 24 * 3600
MAX_REMEMBERED_IN_PROCESS = 10_000


class TransientMailError(Exception):
    """Delivery failed for a reason that may pass (4xx reply, connection trouble): retry."""


class PermanentMailError(Exception):
    """Delivery can never succeed as asked (5xx reply, bad configuration): do not retry."""


@dataclass(frozen=True)
class OutgoingMail:
    """A rendered mail, serialisable to JSON for the Celery task."""

    message_id: str
    sender: str
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, str, str], ...] = ()
    template: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["attachments"] = [list(item) for item in self.attachments]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutgoingMail:
        attachments = tuple(tuple(item) for item in data.get("attachments") or ())
        return cls(**{**data, "attachments": attachments})

    def mime(self) -> EmailMessage:
        """The MIME message: text and HTML alternatives, then the attachments."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Message-ID"] = self.message_id
        message["Date"] = formatdate(usegmt=True)
        message.set_content(self.text)
        message.add_alternative(self.html, subtype="html")
        for filename, mimetype, content in self.attachments:
            maintype, subtype, params = _split_mimetype(mimetype)
            if maintype == "text":
                message.add_attachment(content, subtype=subtype, filename=filename, params=params)
            else:
                message.add_attachment(
                    content.encode(), maintype=maintype, subtype=subtype, filename=filename
                )
        return message


def _split_mimetype(mimetype: str) -> tuple[str, str, dict[str, str]]:
    header = Message()
    header["Content-Type"] = mimetype
    params = dict(header.get_params()[1:]) if header.get_params() else {}
    params.pop("charset", None)  # set by the encoder itself
    return header.get_content_maintype(), header.get_content_subtype(), params


class MailBackend(Protocol):
    def send(self, mail: OutgoingMail) -> None: ...


class ConsoleBackend:
    """Development: write the mail to the log instead of sending it."""

    def send(self, mail: OutgoingMail) -> None:
        attachments = ", ".join(name for name, _, _ in mail.attachments) or "none"
        log.info(
            "mail to %s: %s\n\n%s\n[attachments: %s]",
            mail.to,
            mail.subject,
            mail.text,
            attachments,
            extra={"mail_to": mail.to, "message_id": mail.message_id},
        )


class MemoryBackend:
    """Tests: keep the mail in the app's outbox."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def send(self, mail: OutgoingMail) -> None:
        self.app.extensions.setdefault(OUTBOX_KEY, []).append(mail)


class SmtpBackend:
    """Production: deliver through the configured SMTP server (STARTTLS when asked)."""

    def __init__(self, app: Flask) -> None:
        self.config = app.config

    def send(self, mail: OutgoingMail) -> None:
        cfg = self.config
        try:
            with smtplib.SMTP(
                cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]
            ) as smtp:
                if cfg["MAIL_USE_TLS"]:
                    smtp.starttls(context=ssl.create_default_context())
                if cfg["MAIL_USERNAME"]:
                    smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
                smtp.send_message(mail.mime())
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(400 <= code < 500 for code in codes):
                raise TransientMailError(f"recipient deferred: {exc.recipients}") from exc
            raise PermanentMailError(f"recipient refused: {exc.recipients}") from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            raise TransientMailError(f"SMTP connection failed: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TransientMailError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise PermanentMailError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except smtplib.SMTPException as exc:
            raise PermanentMailError(f"SMTP failed: {exc}") from exc
        except OSError as exc:  # refused, unreachable, timed out
            raise TransientMailError(f"SMTP server unreachable: {exc}") from exc


def get_backend(app: Flask) -> MailBackend:
    """The backend ``MAIL_BACKEND`` names."""
    name = app.config["MAIL_BACKEND"]
    if name == "smtp":
        return SmtpBackend(app)
    if name == "memory":
        return MemoryBackend(app)
    return ConsoleBackend()


def outbox(app: Flask) -> list[OutgoingMail]:
    """Mails the memory backend delivered for ``app``, oldest first."""
    return app.extensions.setdefault(OUTBOX_KEY, [])


def clear_outbox(app: Flask) -> None:
    outbox(app).clear()


class SentLedger:
    """Message ids already delivered: in Redis when configured, else in this process.

    A task redelivered after a worker died (acks_late) skips a mail it already sent.
    If the worker dies between sending and recording, the mail goes out twice: the
    guard makes the task idempotent-ish, not exactly-once.
    """

    def __init__(self, app: Flask) -> None:
        self.client = redis_store.client(app)
        self.local: OrderedDict[str, None] = app.extensions.setdefault(SENT_IDS_KEY, OrderedDict())

    def seen(self, message_id: str) -> bool:
        if self.client is None:
            return message_id in self.local
        try:
            return bool(self.client.exists(SENT_KEY_PREFIX + message_id))
        except redis.RedisError:
            log.warning("mail ledger unavailable; sending without the duplicate check")
            return False

    def record(self, message_id: str) -> None:
        if self.client is None:
            self.local[message_id] = None
            while len(self.local) > MAX_REMEMBERED_IN_PROCESS:
                self.local.popitem(last=False)
            return
        try:
            self.client.set(SENT_KEY_PREFIX + message_id, 1, ex=SENT_TTL_SECONDS)
        except redis.RedisError:
            log.warning("mail ledger unavailable; %s not recorded", message_id)
