"""The moderation queue: published jobs awaiting an admin's decision."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from jobhub.jobs.models import Job, JobStatus, ModerationStatus
from jobhub.jobs.queries import visible_jobs_query
from jobhub.users.models import User


def moderation_queue_query(
    *, actor: User, moderation_status: ModerationStatus | None = None, title: str | None = None
) -> Select[tuple[Job]]:
    """Published jobs awaiting a decision (pending or flagged), oldest first; ``title``
    keeps those whose title contains it (any case: trigrams on PostgreSQL)."""
    statuses = (
        [moderation_status]
        if moderation_status
        else [ModerationStatus.PENDING, ModerationStatus.FLAGGED]
    )
    query = visible_jobs_query(actor)
    if title:
        escaped = title.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Job.title.ilike(f"%{escaped}%", escape="\\"))
    return (
        query.where(Job.status == JobStatus.PUBLISHED, Job.moderation_status.in_(statuses))
        .options(joinedload(Job.company))
        .order_by(Job.updated_at, Job.id)
    )
