"""The moderation queue: published jobs awaiting an admin's decision."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from jobhub.jobs.models import Job, JobStatus, ModerationStatus
from jobhub.jobs.moderation.models import JobReport, ReportStatus
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


def reports_query(
    *, status: ReportStatus | None = None, job_id: int | None = None
) -> Select[tuple[JobReport]]:
    """Reports on jobs not deleted, oldest first (admins' review list)."""
    query = select(JobReport).join(Job, Job.id == JobReport.job_id).where(Job.deleted_at.is_(None))
    if status is not None:
        query = query.where(JobReport.status == status)
    if job_id is not None:
        query = query.where(JobReport.job_id == job_id)
    return query.order_by(JobReport.created_at, JobReport.id)
