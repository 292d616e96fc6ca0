"""Reports from users on jobs; a job's moderation state itself is on ``Job``."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, db, utcnow, value_enum


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    SCAM = "scam"
    OFFENSIVE = "offensive"
    DUPLICATE = "duplicate"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # upheld, or settled by a decision on the job
    DISMISSED = "dismissed"  # an admin found nothing wrong


class JobReport(IdMixin, db.Model):
    __tablename__ = "job_reports"
    __table_args__ = (
        UniqueConstraint("job_id", "reporter_id"),
        Index("ix_job_reports_job_id_status", "job_id", "status"),
    )

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[ReportReason] = mapped_column(value_enum(ReportReason, "job_report_reason"))
    details: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[ReportStatus] = mapped_column(
        value_enum(ReportStatus, "job_report_status"), default=ReportStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
