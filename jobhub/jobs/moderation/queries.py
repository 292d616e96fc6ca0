"""The moderation queue: published jobs awaiting an admin's decision."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from jobhub.jobs.models import Job, JobStatus, ModerationStatus
from jobhub.jobs.queries import visible_jobs_query
from jobhub.users.models import User


def moderation_queue_query(
    *, actor: User, moderation_status: ModerationStatus | None = None
) -> Select[tuple[Job]]:
    """Published jobs awaiting a decision (pending or flagged), oldest first."""
    statuses = (
        [moderation_status]
        if moderation_status
        else [ModerationStatus.PENDING, ModerationStatus.FLAGGED]
    )
    return (
        visible_jobs_query(actor)
        .where(Job.status == JobStatus.PUBLISHED, Job.moderation_status.in_(statuses))
        .options(joinedload(Job.company))
        .order_by(Job.updated_at, Job.id)
    )
