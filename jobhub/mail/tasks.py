"""Mail delivery task: retried with backoff on transient SMTP failures."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from celery import shared_task
from flask import current_app

from jobhub.mail.backends import (
    OutgoingMail,
    PermanentMailError,
    SentLedger,
    TransientMailError,
    get_backend,
)

log = logging.getLogger("jobhub.mail")

MAX_RETRIES = 6
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600


def retry_delay(retries: int) -> int:
    """Exponential backoff with jitter: about 30 s, 1 min, 2 min, … capped at an hour."""
    return min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2**retries) + secrets.randbelow(10)


@shared_task(bind=True, name="mail.send", max_retries=MAX_RETRIES)
def deliver_mail(self: Any, message: dict[str, Any]) -> str:
    """Deliver one rendered mail; skip it if this message id was already delivered."""
    mail = OutgoingMail.from_dict(message)
    ledger = SentLedger(current_app)
    if ledger.seen(mail.message_id):
        log.info("mail %s already delivered; skipped", mail.message_id)
        return "duplicate"
    try:
        get_backend(current_app).send(mail)
    except TransientMailError as exc:
        log.warning(
            "mail %s deferred (attempt %s): %s", mail.message_id, self.request.retries + 1, exc
        )
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    except PermanentMailError as exc:
        log.error("mail %s to %s failed permanently: %s", mail.message_id, mail.to, exc)
        return "failed"
    ledger.record(mail.message_id)
    return "sent"
