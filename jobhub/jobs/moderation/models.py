"""Reports from users on jobs, and every moderation decision (the history); a job's
current moderation state itself is on ``Job``."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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
    DISMISSED = "dismissed"  # unfounded: a flagged job whose reports are all dismissed returns


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


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class RejectionCode(enum.StrEnum):
    """Why a job was rejected (SPEC §8)."""

    SPAM = "spam"
    SCAM = "scam"
    DISCRIMINATORY = "discriminatory"
    MISLEADING = "misleading"
    DUPLICATE = "duplicate"
    INCOMPLETE = "incomplete"
    OTHER = "other"


class ModerationDecision(IdMixin, db.Model):
    """One admin decision on a job: who, when, what, why, and what the employer was told.

    ``pending_since`` is when the job started waiting for it (published, or flagged), so
    the time to decision survives later edits of the job.
    """

    __tablename__ = "job_moderation_decisions"
    __table_args__ = (Index("ix_job_moderation_decisions_job_id_id", "job_id", "id"),)

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decision: Mapped[Decision] = mapped_column(value_enum(Decision, "moderation_decision"))
    reason_code: Mapped[RejectionCode | None] = mapped_column(
        value_enum(RejectionCode, "moderation_reason_code"), default=None
    )
    message: Mapped[str | None] = mapped_column(Text, default=None)
    from_status: Mapped[str] = mapped_column(String(20))
    pending_since: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
