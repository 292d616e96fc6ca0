"""Job tasks: expiry, and the view-counter flush (saved-search alerts: ``saved_searches``)."""

from __future__ import annotations

from celery import shared_task

from jobhub.db import transaction
from jobhub.jobs import services


@shared_task(name="jobs.close_expired")
def close_expired() -> int:
    """Close published jobs past their expiry."""
    with transaction():
        return services.close_expired()


@shared_task(name="jobs.flush_views")
def flush_views() -> int:
    """Write the views counted in Redis to the database, one committed batch per hash."""
    written = 0
    for key in services.view_count_batches():
        with transaction():
            written += services.flush_view_batch(key)
    return written
