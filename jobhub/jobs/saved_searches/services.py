"""Saved searches (a candidate's named ``GET /jobs`` parameters) and their job alerts.

When a job becomes public, one SQL statement finds the alerting saved searches it
matches (``queries.matching_searches``) and records them in ``job_alerts`` (``INSERT …
SELECT … ON CONFLICT DO NOTHING RETURNING``): the primary key (saved_search_id, job_id)
makes a second alert for the same job and search impossible, even with two workers
racing. Each new alert is a ``job.match`` notification to the search's owner.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jobhub import skills as taxonomy
from jobhub.db import UtcDateTime, db, utcnow
from jobhub.errors import Conflict, NotFound
from jobhub.jobs.models import Job
from jobhub.jobs.saved_searches.models import JobAlert, SavedSearch, SavedSearchSkill
from jobhub.jobs.saved_searches.queries import matching_searches, saved_searches_query
from jobhub.jobs.search.queries import FILTERS, fts5_query
from jobhub.notifications import services as notifications
from jobhub.users.models import User

MAX_SAVED_SEARCHES = 50
# A saved search keeps the search's filters and its sort (not its page).
PARAMETERS = (*FILTERS, "sort")


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
    search.q_fts = fts5_query(search.q) if search.q else None


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


def raise_alerts(*, job_id: int, public_since: datetime | None = None) -> int:
    """Record the job's new matches and notify each search's owner; returns how many.

    The records and the notifications commit together, so a failure retries both and a
    success can never be repeated (the records' primary key refuses a second one).
    """
    matched = record_matches(job_id=job_id, public_since=public_since)
    if not matched:
        return 0
    job = db.session.get(Job, job_id)
    owners = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_({search.user_id for search in matched}))
        )
    }
    where = ", ".join(part for part in (job.location, job.remote.value) if part)
    for search in matched:
        notifications.notify(
            user=owners[search.user_id],
            type="job.match",
            title=f"New job for “{search.name}”: {job.title}",
            body=f"{job.company_name} is hiring a {job.title} ({where}).",
            data={
                "job_id": job.id,
                "job_title": job.title,
                "company_id": job.company_id,
                "company_name": job.company_name,
                "saved_search_id": search.id,
                "saved_search_name": search.name,
            },
        )
    return len(matched)
