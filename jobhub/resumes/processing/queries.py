"""Resumes whose analysis a run may take: one locked by id, and those stuck in the queue."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from jobhub.db import db
from jobhub.resumes.models import AnalysisStatus, Resume


def locked(resume_id: int) -> Resume | None:
    """The resume, locked for this transaction (PostgreSQL), or None."""
    return db.session.scalar(select(Resume).where(Resume.id == resume_id).with_for_update())


def stuck(*, now: datetime, timeout: timedelta, limit: int) -> list[Resume]:
    """Resumes queued or processing for longer than ``timeout``, locked for requeueing."""
    cutoff = now - timeout
    query = (
        select(Resume)
        .where(
            or_(
                (Resume.analysis_status == AnalysisStatus.PENDING)
                & (Resume.analysis_queued_at < cutoff),
                (Resume.analysis_status == AnalysisStatus.PROCESSING)
                & (Resume.analysis_started_at < cutoff),
            )
        )
        .order_by(Resume.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(db.session.scalars(query))
