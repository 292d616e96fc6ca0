"""Interview reminder tasks."""

from __future__ import annotations

from celery import shared_task

from jobhub.applications.interviews.reminders import services as reminders
from jobhub.db import transaction


@shared_task(name="applications.send_interview_reminders")
def send_interview_reminders() -> int:
    """Send the due 24-hour and 1-hour interview reminders, each exactly once.

    Batches commit one by one (claims with their notifications), so a large backlog
    neither holds one long transaction nor loses what was sent if the worker dies.
    """
    total = 0
    while True:
        with transaction():
            sent = reminders.send_due(limit=reminders.BATCH_SIZE)
        total += sent
        if sent < reminders.BATCH_SIZE:
            return total
