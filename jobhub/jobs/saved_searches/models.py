"""Saved searches (a candidate's named ``GET /jobs`` parameters) and the alerts they raised."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, TimestampMixin, db, utcnow


class SavedSearch(IdMixin, TimestampMixin, db.Model):
    """A candidate's named search: the flat parameters of ``GET /jobs``, plus alerts."""

    __tablename__ = "saved_searches"
    __table_args__ = (Index("ix_saved_searches_alert", "alert"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    alert: Mapped[bool] = mapped_column(default=True)
    q: Mapped[str | None] = mapped_column(String(200), default=None)
    # ``q`` compiled to an FTS5 query once, so alert matching stays in SQL on SQLite.
    q_fts: Mapped[str | None] = mapped_column(Text, default=None)
    location: Mapped[str | None] = mapped_column(String(200), default=None)
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    remote: Mapped[str | None] = mapped_column(String(20), default=None)
    employment_type: Mapped[str | None] = mapped_column(String(20), default=None)
    seniority: Mapped[str | None] = mapped_column(String(20), default=None)
    salary_min: Mapped[int | None] = mapped_column(default=None)
    salary_currency: Mapped[str | None] = mapped_column(String(3), default=None)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), default=None, index=True
    )
    posted_within_days: Mapped[int | None] = mapped_column(default=None)
    sort: Mapped[str | None] = mapped_column(String(20), default=None)


class SavedSearchSkill(db.Model):
    """One required skill of a saved search, for matching new jobs in SQL."""

    __tablename__ = "saved_search_skills"

    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(100), primary_key=True)


class JobAlert(db.Model):
    """A job.match already raised: the primary key makes a second one impossible."""

    __tablename__ = "job_alerts"

    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[int] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
