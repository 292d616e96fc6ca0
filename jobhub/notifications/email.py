"""The email channel of notifications."""

from __future__ import annotations

import logging
from typing import Any

from jobhub.db import on_commit
from jobhub.notifications.models import Notification
from jobhub.users.models import User

log = logging.getLogger(__name__)


def queue_notification_email(
    *,
    user: User,
    type: str,
    title: str,
    body: str,
    data: dict[str, Any],
    notification: Notification | None,
) -> None:
    """Queue the email copy of a notification, to leave only if the transaction commits.

    The mail service (``jobhub.mail``) is not available on this branch yet: until it
    is, the queued email is only logged, never sent.
    """
    user_id = user.id
    on_commit(
        lambda: log.info(
            "notification email not sent: no mail service yet",
            extra={"user_id": user_id, "type": type},
        )
    )
