"""Celery tasks: send one delivery; the beat sweep of due retries; the log's purge."""

from __future__ import annotations

from celery import current_app as celery_app
from celery import shared_task

from jobhub.db import transaction
from jobhub.webhooks import services


@shared_task(name=services.DELIVER_TASK, acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int) -> str:
    """One attempt of a due delivery; idempotent: one that is not due is left alone.

    The claim commits before the request is sent (a lost worker's claim lapses and the
    sweep sends again: at least once, with the same webhook-id for the receiver to
    deduplicate); the outcome commits after.
    """
    with transaction():
        attempt = services.claim(delivery_id=delivery_id)
    if attempt is None:
        return "skipped"
    outcome = services.send(attempt)
    with transaction():
        delivery = services.record_outcome(attempt=attempt, outcome=outcome)
    return delivery.status.value if delivery is not None else "skipped"


@shared_task(name="webhooks.dispatch_due")
def dispatch_due() -> int:
    """Queue every delivery whose (re)try is due (beat, every few seconds)."""
    with transaction():
        due = services.due_deliveries()
    task = celery_app.tasks[services.DELIVER_TASK]
    for delivery_id in due:
        task.delay(delivery_id)
    return len(due)


@shared_task(name="webhooks.purge_deliveries")
def purge_deliveries() -> int:
    """Drop settled deliveries older than the log keeps (WEBHOOKS_RETENTION_DAYS)."""
    with transaction():
        return services.purge_old_deliveries()
