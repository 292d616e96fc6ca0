"""Applications, their recorded moves and private notes; interviews, feedback, reminders.

One active application per candidate and job is a partial unique index over the active
statuses, so two simultaneous applies cannot both succeed. ``company_id`` is copied from
the job (jobs never change company) so "applications to my companies' jobs" is an index
scan rather than a join.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobhub.applications.pipeline import (
    ACTIVE_STATUSES,
    ApplicationSource,
    ApplicationStatus,
    RejectionReason,
    Side,
)
from jobhub.db import IdMixin, TimestampMixin, db, utcnow, value_enum
from jobhub.jobs.models import Job
from jobhub.users.models import User

# Literal SQL (not bound parameters) so the index predicate is the same on both backends.
_ACTIVE = "status IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(ACTIVE_STATUSES)))


class Application(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        Index(
            "uq_applications_active_candidate_job",
            "candidate_id",
            "job_id",
            unique=True,
            postgresql_where=text(_ACTIVE),
            sqlite_where=text(_ACTIVE),
        ),
        Index("ix_applications_job_id_status", "job_id", "status"),
        Index("ix_applications_company_id_created_at", "company_id", "created_at"),
        Index("ix_applications_candidate_id_created_at", "candidate_id", "created_at"),
        Index("ix_applications_company_id_match_score", "company_id", "match_score"),
        Index("ix_applications_resume_id", "resume_id"),
        # Analytics: a job's applications in a date range; the platform's per day.
        Index("ix_applications_job_id_created_at", "job_id", "created_at"),
        Index("ix_applications_created_at", "created_at"),
    )

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # One of the candidate's resumes; deleting the resume clears it (the file is gone).
    resume_id: Mapped[int | None] = mapped_column(
        ForeignKey("resumes.id", ondelete="SET NULL"), default=None
    )
    cover_letter: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[ApplicationSource] = mapped_column(
        value_enum(ApplicationSource, "application_source"),
        default=ApplicationSource.DIRECT,
        server_default=ApplicationSource.DIRECT.value,
    )
    status: Mapped[ApplicationStatus] = mapped_column(
        value_enum(ApplicationStatus, "application_status"), default=ApplicationStatus.APPLIED
    )
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(
        value_enum(RejectionReason, "application_rejection_reason"), default=None
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # 0-100, written by resume matching (jobhub.matching.applicants); null until computed.
    match_score: Mapped[float | None] = mapped_column(Float, default=None)
    # Why: matched/missing skills, text similarity, resume and time of scoring.
    match_explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The candidate deleted their account: the employer keeps the record, not the person.
    anonymized_at: Mapped[datetime | None] = mapped_column(default=None)

    job: Mapped[Job] = relationship(lazy="raise")
    candidate: Mapped[User] = relationship(lazy="raise")

    @property
    def is_anonymized(self) -> bool:
        return self.anonymized_at is not None

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status.value}>"


class ApplicationEvent(IdMixin, db.Model):
    """One recorded move: from, to, who (and for which side), note, reason, when."""

    __tablename__ = "application_events"
    __table_args__ = (
        Index("ix_application_events_application_id_id", "application_id", "id"),
        # Analytics: a history in time order (window functions), hires per day.
        Index(
            "ix_application_events_application_id_created_at",
            "application_id",
            "created_at",
            "id",
        ),
        Index("ix_application_events_to_status_created_at", "to_status", "created_at"),
    )

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    # Null for the initial "applied" entry.
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        value_enum(ApplicationStatus, "application_status"), default=None
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(
        value_enum(ApplicationStatus, "application_status")
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    actor_side: Mapped[Side] = mapped_column(value_enum(Side, "application_actor_side"))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    reason: Mapped[RejectionReason | None] = mapped_column(
        value_enum(RejectionReason, "application_rejection_reason"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="raise")


class ApplicationNote(IdMixin, db.Model):
    """A private note of the hiring company; never shown to the candidate."""

    __tablename__ = "application_notes"
    __table_args__ = (Index("ix_application_notes_application_id_id", "application_id", "id"),)

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")


class InterviewKind(enum.StrEnum):
    PHONE = "phone"
    VIDEO = "video"
    ONSITE = "onsite"


class InterviewStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Recommendation(enum.StrEnum):
    STRONG_YES = "strong_yes"
    YES = "yes"
    NO = "no"
    STRONG_NO = "strong_no"


class ReminderKind(enum.StrEnum):
    DAY = "24h"
    HOUR = "1h"

    @property
    def lead(self) -> timedelta:
        return timedelta(hours=24) if self is ReminderKind.DAY else timedelta(hours=1)


_SCHEDULED = "status = 'scheduled'"
MIN_DURATION, MAX_DURATION = 15, 480


class Interview(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "interviews"
    __table_args__ = (
        Index("ix_interviews_application_id_starts_at", "application_id", "starts_at"),
        # The reminder scan: upcoming scheduled interviews by start time.
        Index(
            "ix_interviews_scheduled_starts_at",
            "starts_at",
            postgresql_where=text(_SCHEDULED),
            sqlite_where=text(_SCHEDULED),
        ),
        CheckConstraint(
            f"duration_minutes BETWEEN {MIN_DURATION} AND {MAX_DURATION}", name="duration_minutes"
        ),
    )

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    starts_at: Mapped[datetime] = mapped_column()
    duration_minutes: Mapped[int] = mapped_column()
    kind: Mapped[InterviewKind] = mapped_column(value_enum(InterviewKind, "interview_kind"))
    location: Mapped[str | None] = mapped_column(String(500), default=None)
    status: Mapped[InterviewStatus] = mapped_column(
        value_enum(InterviewStatus, "interview_status"), default=InterviewStatus.SCHEDULED
    )
    # iCalendar SEQUENCE: raised by every change, so calendars take the newest invite.
    sequence: Mapped[int] = mapped_column(default=0)
    # Minutes between setting the current start time and the start: a reminder is due
    # only if the interview was known that long ahead (24h reminders need 1,440).
    notice_minutes: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)

    organizer: Mapped[User | None] = relationship(lazy="raise")
    interviewer_rows: Mapped[list[InterviewInterviewer]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class InterviewInterviewer(db.Model):
    __tablename__ = "interview_interviewers"

    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    user: Mapped[User] = relationship(lazy="raise")


class InterviewFeedback(IdMixin, TimestampMixin, db.Model):
    """One member's structured feedback on one interview; never shown to the candidate."""

    __tablename__ = "interview_feedback"
    __table_args__ = (
        UniqueConstraint("interview_id", "author_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
    )

    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column()
    recommendation: Mapped[Recommendation] = mapped_column(
        value_enum(Recommendation, "interview_recommendation")
    )
    notes: Mapped[str | None] = mapped_column(Text, default=None)

    author: Mapped[User] = relationship(lazy="raise")


class InterviewReminder(db.Model):
    """A reminder already sent: the key makes a second one for the same start impossible.

    Keyed by the start time it reminded of, so a rescheduled interview is reminded anew.
    """

    __tablename__ = "interview_reminders"

    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[ReminderKind] = mapped_column(
        value_enum(ReminderKind, "interview_reminder_kind"), primary_key=True
    )
    starts_at: Mapped[datetime] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
