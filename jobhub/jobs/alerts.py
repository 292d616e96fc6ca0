"""What a newly public job sets off: ``job.match`` for every saved search it matches."""

from __future__ import annotations

from jobhub.jobs import saved_searches


def raise_alerts(*, job_id: int) -> int:
    """Record the new matches of the job and notify their owners; returns how many."""
    return len(saved_searches.record_matches(job_id=job_id))
