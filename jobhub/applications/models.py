"""Applications, their recorded moves and private notes, and the status machine of SPEC §4.

The machine is one table (``TRANSITIONS``): the service enforces it, the API docs print
it and the 409 message quotes it. Interviews are in ``jobhub.applications.interviews``.

One active application per candidate and job is a partial unique index over the active
statuses, so two simultaneous applies cannot both succeed. ``company_id`` is copied from
the job (jobs never change company) so "applications to my companies' jobs" is an index
scan rather than a join.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Float, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobhub.db import IdMixin, TimestampMixin, db, utcnow, value_enum
from jobhub.jobs.models import Job
from jobhub.users.models import User


class ApplicationStatus(enum.StrEnum):
    APPLIED = "applied"
    SCREENING = "screening"
    INTERVIEWING = "interviewing"
    OFFERED = "offered"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Side(enum.StrEnum):
    """Who moves an application: the hiring company or the candidate."""

    EMPLOYER = "employer"
    CANDIDATE = "candidate"


class ApplicationSource(enum.StrEnum):
    """Where an application came from (SPEC §4): the candidate says on apply; imports
    set ``import``."""

    SEARCH = "search"
    SAVED_SEARCH = "saved_search"
    RECOMMENDATION = "recommendation"
    DIRECT = "direct"
    REFERRAL = "referral"
    IMPORT = "import"


MAX_COVER_LETTER = 10_000  # characters, on apply as in an import

# What a candidate may say on apply (``import`` is set by imports only).
APPLY_SOURCES = tuple(s for s in ApplicationSource if s is not ApplicationSource.IMPORT)


class RejectionReason(enum.StrEnum):
    NOT_QUALIFIED = "not_qualified"
    POSITION_FILLED = "position_filled"
    WITHDREW_INTEREST = "withdrew_interest"
    OTHER = "other"


S = ApplicationStatus
TRANSITIONS: dict[Side, dict[ApplicationStatus, frozenset[ApplicationStatus]]] = {
    Side.EMPLOYER: {
        S.APPLIED: frozenset({S.SCREENING, S.REJECTED}),
        S.SCREENING: frozenset({S.INTERVIEWING, S.REJECTED}),
        S.INTERVIEWING: frozenset({S.OFFERED, S.REJECTED}),
        S.OFFERED: frozenset({S.REJECTED}),  # the offer is rescinded
    },
    Side.CANDIDATE: {
        S.APPLIED: frozenset({S.WITHDRAWN}),
        S.SCREENING: frozenset({S.WITHDRAWN}),
        S.INTERVIEWING: frozenset({S.WITHDRAWN}),
        S.OFFERED: frozenset({S.WITHDRAWN, S.HIRED}),  # hired: the offer is accepted
    },
}

# An application in one of these blocks another by the same candidate for the same job.
ACTIVE_STATUSES = frozenset({S.APPLIED, S.SCREENING, S.INTERVIEWING, S.OFFERED, S.HIRED})
FINAL_STATUSES = frozenset({S.HIRED, S.REJECTED, S.WITHDRAWN})


def allowed_targets(side: Side, current: ApplicationStatus) -> frozenset[ApplicationStatus]:
    """Where ``side`` may move an application that is in ``current``."""
    return TRANSITIONS[side].get(current, frozenset())


def is_allowed(side: Side, current: ApplicationStatus, target: ApplicationStatus) -> bool:
    return target in allowed_targets(side, current)


def describe_refusal(side: Side, current: ApplicationStatus, target: ApplicationStatus) -> str:
    """The 409 message: what was refused and what would be allowed instead."""
    targets = sorted(allowed_targets(side, current))
    allowed = ", ".join(targets) if targets else "none"
    return (
        f"The {side.value} cannot move an application from {current.value} to {target.value}; "
        f"allowed from {current.value}: {allowed}."
    )


def transition_table_markdown() -> str:
    """The table for the API docs, generated from TRANSITIONS so it cannot drift."""
    rows = ["| by | from | to |", "|---|---|---|"]
    for side, moves in TRANSITIONS.items():
        for current, targets in moves.items():
            rows.append(f"| {side.value} | {current.value} | {', '.join(sorted(targets))} |")
    return "\n".join(rows)


# Literal SQL (not bound parameters) so the index predicate is the same on both backends.
# An application an import's undo soft-deleted (``deleted_at``) blocks nothing.
_ACTIVE = "status IN ({}) AND deleted_at IS NULL".format(
    ", ".join(f"'{s.value}'" for s in sorted(ACTIVE_STATUSES))
)


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
        # Analytics: the platform's live applications per day, read from the index alone.
        Index(
            "ix_applications_live_created_at",
            "created_at",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
        # The few undone (soft-deleted) applications, which the platform's hires leave out.
        Index(
            "ix_applications_deleted_id",
            "id",
            postgresql_where=text("deleted_at IS NOT NULL"),
            sqlite_where=text("deleted_at IS NOT NULL"),
        ),
        Index("ix_applications_import_id", "import_id"),
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
    # The import that created it (jobhub.imports); its undo soft-deletes (``deleted_at``)
    # what it created, and a soft-deleted application is in no read.
    import_id: Mapped[int | None] = mapped_column(default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)

    job: Mapped[Job] = relationship(lazy="raise")
    candidate: Mapped[User] = relationship(lazy="raise")

    @property
    def is_anonymized(self) -> bool:
        return self.anonymized_at is not None

    @classmethod
    def live(cls) -> ColumnElement[bool]:
        """The one filter of every read: not soft-deleted by its import's undo. (Only the
        undo itself and the erasure of an account, which must reach every row, do not
        apply it.)"""
        return cls.deleted_at.is_(None)

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
