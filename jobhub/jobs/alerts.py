"""What a newly public job sets off: ``job.match`` for every saved search it matches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from jobhub.db import db
from jobhub.jobs import saved_searches
from jobhub.jobs.models import Job
from jobhub.notifications import services as notifications
from jobhub.users.models import User


def raise_alerts(*, job_id: int, public_since: datetime | None = None) -> int:
    """Record the job's new matches and notify each search's owner; returns how many.

    The records and the notifications commit together, so a failure retries both and a
    success can never be repeated (the records' primary key refuses a second one).
    """
    matched = saved_searches.record_matches(job_id=job_id, public_since=public_since)
    if not matched:
        return 0
    job = db.session.get(Job, job_id)
    owners = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_({search.user_id for search in matched}))
        )
    }
    where = ", ".join(part for part in (job.location, job.remote.value) if part)
    for search in matched:
        notifications.notify(
            user=owners[search.user_id],
            type="job.match",
            title=f"New job for “{search.name}”: {job.title}",
            body=f"{job.company_name} is hiring a {job.title} ({where}).",
            data={
                "job_id": job.id,
                "job_title": job.title,
                "company_id": job.company_id,
                "company_name": job.company_name,
                "saved_search_id": search.id,
                "saved_search_name": search.name,
            },
        )
    return len(matched)
