"""Which jobs a caller may see: the one query function every read starts from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, text
from sqlalchemy.orm import joinedload, load_only

from jobhub.companies import services as companies
from jobhub.companies.models import Company
from jobhub.db import utcnow
from jobhub.jobs.models import Job
from jobhub.security import api_key_caller
from jobhub.users.models import Role, User

# Literal SQL, not bound parameters: PostgreSQL then matches the partial indexes
# (ix_jobs_listed_public, ix_jobs_salary_public) declared with the same predicate.
LISTED = text(
    "jobs.status = 'published' AND jobs.moderation_status = 'approved' AND jobs.deleted_at IS NULL"
)

# The columns a job in a list shows (JobSchema): not the search vector, the denormalised
# company name, the sort keys or the moderation audit columns.
LISTED_COLUMNS = (
    "id", "company_id", "title", "description", "location", "country", "remote",
    "employment_type", "seniority", "salary_min", "salary_max", "salary_currency", "skills",
    "nice_to_have_skills", "status", "moderation_status", "moderation_reason", "published_at",
    "expires_at", "closed_at", "views", "applications_count", "created_at", "updated_at",
    "deleted_at", "external_ref",
)  # fmt: skip
COMPANY_COLUMNS = ("id", "name", "slug", "verified")


def listed_columns() -> tuple:
    """Loader options for jobs in a list: the shown columns and company fields only."""
    return (
        load_only(*(getattr(Job, name) for name in LISTED_COLUMNS), raiseload=False),
        joinedload(Job.company).load_only(
            *(getattr(Company, name) for name in COMPANY_COLUMNS), raiseload=False
        ),
    )


def public_condition(now: datetime | None = None) -> ColumnElement[bool]:
    """SPEC §3: published, approved, not expired, not deleted."""
    return and_(LISTED, Job.expires_at > (now or utcnow()))


def visible_jobs_query(
    actor: User | None, *, deleted: bool = False, now: datetime | None = None
) -> Select[tuple[Job]]:
    """The jobs ``actor`` may see (None: anonymous).

    Anonymous users and candidates see public jobs; employers also see every job of the
    companies they are members of; admins see every job. Soft-deleted jobs are hidden
    from every read; ``deleted=True`` gives the trash instead (members' and admins'
    deleted jobs), from which they can be restored. A company's API key sees that
    company's jobs only, in any status.
    """
    query = select(Job)
    key = api_key_caller(actor)
    if key is not None:  # a company's API key: that company's jobs, never the board's
        live = Job.deleted_at.is_not(None) if deleted else Job.deleted_at.is_(None)
        return query.where(Job.company_id == key.company_id, live)
    is_admin = actor is not None and actor.role == Role.ADMIN
    is_employer = actor is not None and actor.role == Role.EMPLOYER
    if deleted:
        query = query.where(Job.deleted_at.is_not(None))
        if is_admin:
            return query
        if is_employer:
            return query.where(Job.company_id.in_(companies.member_company_ids(user_id=actor.id)))
        return query.where(false())
    if is_admin:
        return query.where(Job.deleted_at.is_(None))
    if is_employer:
        mine = Job.company_id.in_(companies.member_company_ids(user_id=actor.id))
        return query.where(Job.deleted_at.is_(None), or_(public_condition(now), mine))
    return query.where(public_condition(now))
