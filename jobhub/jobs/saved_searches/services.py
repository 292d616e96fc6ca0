"""Saved searches (a candidate's named ``GET /jobs`` parameters) and their job alerts.

When a job becomes public, one SQL statement finds the alerting saved searches it
matches and records them in ``job_alerts`` (``INSERT … SELECT … ON CONFLICT DO NOTHING
RETURNING``): the primary key (saved_search_id, job_id) makes a second alert for the
same job and search impossible, even with two workers racing.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql import websearch_to_tsquery
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jobhub import skills as taxonomy
from jobhub.db import UtcDateTime, db, utcnow
from jobhub.errors import Conflict, NotFound
from jobhub.jobs import fulltext
from jobhub.jobs.models import Job, JobAlert, JobSkill, SavedSearch, SavedSearchSkill
from jobhub.jobs.queries import public_condition
from jobhub.jobs.search import FILTERS
from jobhub.users.models import User

MAX_SAVED_SEARCHES = 50
# A saved search keeps the search's filters and its sort (not its page).
PARAMETERS = (*FILTERS, "sort")


def saved_searches_query(*, user: User) -> Select[tuple[SavedSearch]]:
    """The user's saved searches, newest first."""
    return (
        select(SavedSearch)
        .where(SavedSearch.user_id == user.id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
    )


def get_saved_search(*, user: User, saved_search_id: int) -> SavedSearch:
    """One of the user's own saved searches; anyone else's is 404."""
    found = db.session.scalar(
        saved_searches_query(user=user).where(SavedSearch.id == saved_search_id)
    )
    if found is None:
        raise NotFound("No such saved search.")
    return found


def _apply(search: SavedSearch, data: dict[str, Any]) -> None:
    for name in ("name", "alert", *PARAMETERS):
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, enum.Enum):
            value = value.value
        if name == "skills":
            value = taxonomy.normalize(value or [])
        setattr(search, name, value)
    search.q_fts = fulltext.fts5_query(search.q) if search.q else None


def _sync_skills(search: SavedSearch) -> None:
    db.session.execute(
        delete(SavedSearchSkill).where(SavedSearchSkill.saved_search_id == search.id)
    )
    if search.skills:
        db.session.execute(
            insert(SavedSearchSkill),
            [{"saved_search_id": search.id, "skill": skill} for skill in search.skills],
        )


def create_saved_search(*, user: User, data: dict[str, Any]) -> SavedSearch:
    """Save a search (skills normalised through the taxonomy)."""
    count = db.session.scalar(select(func.count()).where(SavedSearch.user_id == user.id))
    if count >= MAX_SAVED_SEARCHES:
        raise Conflict(f"At most {MAX_SAVED_SEARCHES} saved searches; delete one first.")
    search = SavedSearch(user_id=user.id, skills=[])
    _apply(search, data)
    db.session.add(search)
    db.session.flush()
    _sync_skills(search)
    return search


def update_saved_search(*, search: SavedSearch, data: dict[str, Any]) -> SavedSearch:
    """Rename, switch alerts, or change parameters (null clears one)."""
    _apply(search, data)
    db.session.flush()
    if "skills" in data:
        _sync_skills(search)
    return search


def delete_saved_search(*, search: SavedSearch) -> None:
    db.session.delete(search)
    db.session.flush()


def remove_user(*, user: User) -> None:
    """Account deletion: the user's saved searches (and their alert records) go."""
    db.session.execute(delete(SavedSearch).where(SavedSearch.user_id == user.id))


# -- matching --------------------------------------------------------------------------


def _text_matches() -> Any:
    """Does the saved search's ``q`` match the job row? (PostgreSQL or FTS5.)"""
    if db.engine.dialect.name == "postgresql":
        return Job.search_vector.op("@@")(websearch_to_tsquery(fulltext.TS_CONFIG, SavedSearch.q))
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


def record_matches(*, job_id: int, public_since: datetime | None = None) -> list[SavedSearch]:
    """Record the alerts a newly public job raises; returns only the new ones."""
    dialect = db.engine.dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    matches = matching_searches(job_id=job_id, public_since=public_since).add_columns(
        literal(utcnow(), UtcDateTime())
    )
    statement = (
        insert_(JobAlert)
        .from_select(["saved_search_id", "job_id", "created_at"], matches)
        .on_conflict_do_nothing()
        .returning(JobAlert.saved_search_id)
    )
    new_ids = list(db.session.scalars(statement))
    if not new_ids:
        return []
    return list(
        db.session.scalars(
            select(SavedSearch).where(SavedSearch.id.in_(new_ids)).order_by(SavedSearch.id)
        )
    )
