"""Saved searches, read: a user's own, and those a newly public job matches (in SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import websearch_to_tsquery

from jobhub.db import db
from jobhub.jobs.models import Job, JobSkill
from jobhub.jobs.queries import public_condition
from jobhub.jobs.saved_searches.models import SavedSearch, SavedSearchSkill
from jobhub.jobs.search.models import TS_CONFIG
from jobhub.users.models import User


def saved_searches_query(*, user: User) -> Select[tuple[SavedSearch]]:
    """The user's saved searches, newest first."""
    return (
        select(SavedSearch)
        .where(SavedSearch.user_id == user.id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
    )


# -- matching --------------------------------------------------------------------------


def _text_matches() -> Any:
    """Does the saved search's ``q`` match the job row? (PostgreSQL or FTS5.)"""
    if db.engine.dialect.name == "postgresql":
        return Job.search_vector.op("@@")(websearch_to_tsquery(TS_CONFIG, SavedSearch.q))
    fts_hit = literal_column(
        "EXISTS (SELECT 1 FROM jobs_fts WHERE jobs_fts MATCH saved_searches.q_fts "
        "AND jobs_fts.rowid = jobs.id)"
    )
    return and_(SavedSearch.q_fts.is_not(None), fts_hit)


def _optional_equal(column: Any, value: Any) -> Any:
    return or_(column.is_(None), column == value)


def matching_searches(*, job_id: int, public_since: datetime | None = None) -> Select:
    """(saved_search_id, job_id) of every alerting search the public job matches.

    With ``public_since``, only searches saved by then count: the job is new to them, and a
    search saved later finds the job by searching, not through an alert.
    """
    missing_skill = (
        select(SavedSearchSkill.skill)
        .where(
            SavedSearchSkill.saved_search_id == SavedSearch.id,
            ~exists().where(JobSkill.job_id == Job.id, JobSkill.skill == SavedSearchSkill.skill),
        )
        .correlate(SavedSearch, Job)
    )
    position = func.strpos if db.engine.dialect.name == "postgresql" else func.instr
    location_hit = position(func.lower(Job.location), func.lower(SavedSearch.location)) > 0
    return (
        select(SavedSearch.id, Job.id)
        .select_from(SavedSearch)
        .join(User, User.id == SavedSearch.user_id)
        .join(Job, Job.id == job_id)
        .where(
            public_condition(),
            SavedSearch.alert.is_(True),
            User.is_active.is_(True),
            User.deleted_at.is_(None),
            or_(SavedSearch.q.is_(None), _text_matches()),
            or_(SavedSearch.location.is_(None), and_(Job.location.is_not(None), location_hit)),
            _optional_equal(SavedSearch.country, Job.country),
            _optional_equal(SavedSearch.remote, cast(Job.remote, String)),
            _optional_equal(SavedSearch.employment_type, cast(Job.employment_type, String)),
            _optional_equal(SavedSearch.seniority, cast(Job.seniority, String)),
            _optional_equal(SavedSearch.salary_currency, Job.salary_currency),
            _optional_equal(SavedSearch.company_id, Job.company_id),
            or_(SavedSearch.salary_min.is_(None), Job.salary_sort >= SavedSearch.salary_min),
            ~exists(missing_skill),
            SavedSearch.created_at <= public_since if public_since is not None else true(),
        )
    )
