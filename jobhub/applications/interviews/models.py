"""Interviews of applications, their interviewers, the company's feedback, reminders sent."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobhub.db import IdMixin, TimestampMixin, db, utcnow, value_enum
from jobhub.users.models import User


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
