"""Saved-search tasks: the alerts a newly public job raises."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from jobhub.db import transaction
from jobhub.jobs.saved_searches import services


@shared_task(name="jobs.match_saved_searches")
def match_saved_searches(job_id: int, public_since: str | None = None) -> int:
    """Alert the owners of the saved searches a newly public job matches (idempotent).

    ``public_since`` (ISO-8601) is when the job became public; searches saved after it
    are left out, however late the task runs.
    """
    since = datetime.fromisoformat(public_since) if public_since else None
    with transaction():
        return services.raise_alerts(job_id=job_id, public_since=since)
