"""Jobs, their skills (for SQL filtering) and the search vector.

Reports live in ``jobhub.jobs.moderation.models``, saved searches and their alerts in
``jobhub.jobs.saved_searches.models``.

Full-text search lives in the database: on PostgreSQL a weighted ``tsvector`` column
kept by a trigger (see ``jobhub.jobs.search.models``), on SQLite an FTS5 table kept by
triggers. ``company_name`` is denormalised from the company so the trigger needs no
join; renaming a company rewrites it on the company's jobs.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask import g, has_app_context
from sqlalchemy import (
    JSON,
    Computed,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from jobhub.companies.models import Company
from jobhub.db import IdMixin, SoftDeleteMixin, TimestampMixin, db, value_enum


class WorkMode(enum.StrEnum):
    ONSITE = "onsite"
    HYBRID = "hybrid"
    REMOTE = "remote"


class EmploymentType(enum.StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    INTERNSHIP = "internship"
    TEMPORARY = "temporary"


class Seniority(enum.StrEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    PRINCIPAL = "principal"


# What an employer writes about a job. Edits to these send an unverified company's job
# back to the moderation queue; imports take the same fields.
CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "location",
    "country",
    "remote",
    "employment_type",
    "seniority",
    "salary_min",
    "salary_max",
    "salary_currency",
    "skills",
    "nice_to_have_skills",
)


class JobStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


class ModerationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    FLAGGED = "flagged"


# The partial-index predicate: the rows anonymous search reads (expiry is checked on top).
# A job lists at most this many skills (the schemas hold postings to it).
MAX_SKILLS = 30
# A job's own reference in its company's systems (SPEC §10: application imports name
# their job by ``job_id`` or ``job_reference``); unique within the company.
MAX_EXTERNAL_REF = 100
# The request's answer to "may the caller see this company's references?" (its
# members and admins), set on ``g`` under this name by jobhub.jobs.views.
REFERENCE_VIEWER = "jobhub_reference_viewer"

_LISTED = "status = 'published' AND moderation_status = 'approved' AND deleted_at IS NULL"
# Jobs not deleted: what the analytics counts read (index-only scans).
_LIVE = "deleted_at IS NULL"


class Job(IdMixin, TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        # NULLs are distinct: jobs without a reference never clash. An index, not a
        # constraint: SQLite adds it without rebuilding the table (and its FTS triggers).
        Index("ux_jobs_company_id_external_ref", "company_id", "external_ref", unique=True),
        # Newest-first and salary-first keyset scans over the public rows.
        # expires_at is a key column so counts and scans need not visit the table.
        Index(
            "ix_jobs_listed_public",
            "listed_at",
            "id",
            "expires_at",
            postgresql_where=text(_LISTED),
            sqlite_where=text(_LISTED),
        ),
        Index(
            "ix_jobs_salary_public",
            "salary_sort",
            "id",
            "expires_at",
            postgresql_where=text(_LISTED),
            sqlite_where=text(_LISTED),
        ),
        Index("ix_jobs_company_id_status", "company_id", "status"),
        Index("ix_jobs_status_expires_at", "status", "expires_at"),
        Index("ix_jobs_moderation_status", "moderation_status"),
        Index("ix_jobs_country", "country"),
        Index("ix_jobs_remote", "remote"),
        Index("ix_jobs_employment_type", "employment_type"),
        Index("ix_jobs_seniority", "seniority"),
        Index("ix_jobs_salary_currency", "salary_currency"),
        # Substring search on location: a trigram index on PostgreSQL, a b-tree elsewhere.
        Index(
            "ix_jobs_location",
            "location",
            postgresql_using="gin",
            postgresql_ops={"location": "gin_trgm_ops"},
        ),
        Index("ix_jobs_search_vector", "search_vector", postgresql_using="gin"),
        # Analytics: jobs posted per day, moderation decisions per day, and the skill
        # gap's "title contains a desired role" (trigrams on PostgreSQL).
        Index(
            "ix_jobs_live_published_at",
            "published_at",
            postgresql_where=text(_LIVE),
            sqlite_where=text(_LIVE),
        ),
        Index(
            "ix_jobs_live_state",
            "status",
            "moderation_status",
            postgresql_where=text(_LIVE),
            sqlite_where=text(_LIVE),
        ),
        Index("ix_jobs_moderated_at", "moderated_at"),
        Index(
            "ix_jobs_title",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    company_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200), default=None)
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    remote: Mapped[WorkMode] = mapped_column(value_enum(WorkMode, "job_remote"))
    employment_type: Mapped[EmploymentType] = mapped_column(
        value_enum(EmploymentType, "job_employment_type")
    )
    seniority: Mapped[Seniority] = mapped_column(value_enum(Seniority, "job_seniority"))
    salary_min: Mapped[int | None] = mapped_column(default=None)
    salary_max: Mapped[int | None] = mapped_column(default=None)
    salary_currency: Mapped[str | None] = mapped_column(String(3), default=None)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    nice_to_have_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[JobStatus] = mapped_column(value_enum(JobStatus, "job_status"))
    moderation_status: Mapped[ModerationStatus] = mapped_column(
        value_enum(ModerationStatus, "job_moderation_status")
    )
    moderation_reason: Mapped[str | None] = mapped_column(Text, default=None)
    moderated_at: Mapped[datetime | None] = mapped_column(default=None)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    views: Mapped[int] = mapped_column(default=0)
    applications_count: Mapped[int] = mapped_column(default=0)
    external_ref: Mapped[str | None] = mapped_column(String(MAX_EXTERNAL_REF), default=None)
    # The import that created the job (jobhub.imports; its undo soft-deletes them).
    import_id: Mapped[int | None] = mapped_column(default=None, index=True)

    # Sort keys, computed by the database so bulk inserts and every writer agree.
    listed_at: Mapped[datetime] = mapped_column(
        Computed("coalesce(published_at, created_at)", persisted=True)
    )
    salary_sort: Mapped[int] = mapped_column(
        Computed("coalesce(salary_max, salary_min, -1)", persisted=True)
    )
    # PostgreSQL only (maintained by a trigger); stays NULL on SQLite, which uses FTS5.
    search_vector: Mapped[Any] = deferred(
        mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True)
    )

    company: Mapped[Company] = relationship(lazy="raise")

    @property
    def shown_external_ref(self) -> str | None:
        """``external_ref`` as the caller may see it: for the company's members and
        admins (``REFERENCE_VIEWER`` on ``g``); null for anyone else, and outside a
        request (tasks, webhooks)."""
        if self.external_ref is None or not has_app_context():
            return None
        viewer = g.get(REFERENCE_VIEWER)
        return self.external_ref if viewer is not None and viewer(self.company_id) else None

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.status.value}/{self.moderation_status.value}>"


class JobSkill(db.Model):
    """One required skill of a job: the all-skills filter is an indexed semi-join."""

    __tablename__ = "job_skills"

    skill: Mapped[str] = mapped_column(String(100), primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
