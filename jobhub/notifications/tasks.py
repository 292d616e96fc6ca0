"""Notification housekeeping."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app

from jobhub.db import transaction, utcnow
from jobhub.notifications import services


@shared_task(name="notifications.purge_read")
def purge_read_notifications() -> int:
    """Delete notifications read more than NOTIFICATION_RETENTION_DAYS ago (0: keep all)."""
    days = current_app.config["NOTIFICATION_RETENTION_DAYS"]
    if days <= 0:
        return 0
    with transaction():
        return services.purge_read(read_before=utcnow() - timedelta(days=days))
