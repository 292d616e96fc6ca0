"""The email channel of notifications: one mail per notification, through the mail service."""

from __future__ import annotations

import logging
from typing import Any

from jobhub.mail.services import send_mail
from jobhub.notifications.models import Notification
from jobhub.users.models import User

log = logging.getLogger(__name__)

TEMPLATE = "notification"


def queue_notification_email(
    *,
    user: User,
    type: str,
    title: str,
    body: str,
    data: dict[str, Any],
    notification: Notification | None,
) -> bool:
    """Queue the email copy of a notification; it leaves only if the transaction commits.

    Only verified addresses of active accounts are mailed: an unverified address may not
    belong to the account holder. Returns whether a mail was queued.
    """
    if not user.is_active or user.deleted_at is not None or not user.email_verified:
        log.info(
            "notification email skipped: address not verified or account inactive",
            extra={"user_id": user.id, "type": type},
        )
        return False
    send_mail(
        to=user.email,
        subject=title,
        template=TEMPLATE,
        context={
            "full_name": user.full_name,
            "title": title,
            "body": body,
            "type": type,
            "in_app": notification is not None,
        },
    )
    return True
