"""Job services: posting, editing, status moves, soft delete, views and expiry.

Moderation and reports are in ``jobhub.jobs.moderation``; saved searches and their alerts
in ``jobhub.jobs.saved_searches``. Every write retires the anonymous search cache after
commit, and a write that leaves a job public queues the saved-search alert task.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import Select, delete, insert, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from jobhub import signals
from jobhub import skills as taxonomy
from jobhub.companies import services as companies
from jobhub.companies.models import Company, MemberRole
from jobhub.db import db, on_commit, utcnow
from jobhub.errors import Conflict, InvalidTransition, NotFound, ValidationError
from jobhub.jobs import cache, policies, search
from jobhub.jobs.models import Job, JobSkill, JobStatus, ModerationStatus
from jobhub.jobs.queries import visible_jobs_query
from jobhub.users.models import User

ALLOWED_MOVES: dict[JobStatus, tuple[JobStatus, ...]] = {
    JobStatus.DRAFT: (JobStatus.PUBLISHED,),
    JobStatus.PUBLISHED: (JobStatus.CLOSED,),
    JobStatus.CLOSED: (JobStatus.PUBLISHED,),
}
# Edits to these send an unverified company's job back to the moderation queue.
CONTENT_FIELDS = (
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
EDITABLE_FIELDS = (*CONTENT_FIELDS, "expires_at")
# What a resume is matched against (jobhub.matching): edits to these rescore applicants.
MATCHED_FIELDS = frozenset({"title", "description", "skills", "nice_to_have_skills"})


# -- reading ---------------------------------------------------------------------------


def get_visible_job(*, actor: User | None, job_id: int, deleted: bool = False) -> Job:
    """The job if ``actor`` may see it (or, with ``deleted``, restore it); else 404."""
    query = visible_jobs_query(actor, deleted=deleted).where(Job.id == job_id)
    job = db.session.scalar(query.options(joinedload(Job.company)))
    if job is None:
        raise NotFound("No such job.")
    return job


def read_job(*, actor: User | None, job_id: int) -> Job:
    """A visible job; a public job's view by its audience is counted."""
    job = get_visible_job(actor=actor, job_id=job_id)
    if is_public(job) and policies.counts_as_view(actor, membership(actor=actor, job=job)):
        record_view(job=job)
    else:
        set_committed_value(job, "views", job.views + cache.pending_views(job.id))
    return job


def _search_params(args: dict[str, Any]) -> dict[str, Any]:
    params = {name: args[name] for name in (*search.FILTERS, "sort") if args.get(name) is not None}
    if "skills" in params:
        params["skills"] = taxonomy.normalize(params["skills"])
    return params


def search_jobs(*, actor: User | None, args: dict[str, Any]) -> tuple[search.Page, dict]:
    """Run a search; returns the page and its X-Pagination metadata."""
    params = _search_params(args)
    page, page_size, cursor = args.get("page", 1), args["page_size"], args.get("cursor")
    result = search.run(
        search.plan(actor=actor, params=params),
        page=page,
        page_size=page_size,
        cursor=cursor,
        fingerprint=search.fingerprint(params),
    )
    if cursor:
        meta: dict[str, Any] = {"page_size": page_size}
    else:
        total = min(result.total, search.COUNT_CAP)
        meta = Blueprint._make_pagination_metadata(page, page_size, total)
        if result.total > search.COUNT_CAP:
            meta["total_capped"] = True
    if result.next_cursor:
        meta["next_cursor"] = result.next_cursor
    return result, meta


def membership(*, actor: User | None, job: Job) -> MemberRole | None:
    """The actor's role in the job's company."""
    if actor is None:
        return None
    return companies.membership_role(user_id=actor.id, company_id=job.company_id)


def is_public(job: Job, now: datetime | None = None) -> bool:
    """The same rule as the SQL predicate, for a loaded job."""
    now = now or utcnow()
    return (
        job.status == JobStatus.PUBLISHED
        and job.moderation_status == ModerationStatus.APPROVED
        and job.deleted_at is None
        and job.expires_at is not None
        and job.expires_at > now
    )


def my_jobs_query(
    *,
    actor: User,
    status: JobStatus | None = None,
    moderation_status: ModerationStatus | None = None,
    company_id: int | None = None,
    deleted: bool = False,
) -> Select[tuple[Job]]:
    """Every job of the caller's companies, any status, newest first."""
    query = visible_jobs_query(actor, deleted=deleted).where(
        Job.company_id.in_(companies.member_company_ids(user_id=actor.id))
    )
    if status is not None:
        query = query.where(Job.status == status)
    if moderation_status is not None:
        query = query.where(Job.moderation_status == moderation_status)
    if company_id is not None:
        query = query.where(Job.company_id == company_id)
    return query.options(joinedload(Job.company)).order_by(Job.created_at.desc(), Job.id.desc())


# -- writing ---------------------------------------------------------------------------


def _normalize_skills(data: dict[str, Any], job: Job | None = None) -> None:
    """Canonical names through the taxonomy; nice-to-have never repeats a required skill."""
    if "skills" in data:
        data["skills"] = taxonomy.normalize(data["skills"])
    if "nice_to_have_skills" in data or "skills" in data:
        required = data.get("skills", job.skills if job else [])
        nice = data.get("nice_to_have_skills", job.nice_to_have_skills if job else [])
        data["nice_to_have_skills"] = [s for s in taxonomy.normalize(nice) if s not in required]


def _check(job: Job, *, now: datetime, expires_changed: bool) -> None:
    errors: dict[str, list[str]] = {}
    low, high = job.salary_min, job.salary_max
    if low is not None and high is not None and low > high:
        errors["salary_min"] = ["Must not exceed salary_max."]
    if (low is not None or high is not None) and not job.salary_currency:
        errors["salary_currency"] = ["Required when a salary is given."]
    if expires_changed and job.expires_at is not None and job.expires_at <= now:
        errors["expires_at"] = ["Must be in the future."]
    if errors:
        raise ValidationError(errors={"json": errors})


def _sync_skills(job: Job) -> None:
    db.session.execute(delete(JobSkill).where(JobSkill.job_id == job.id))
    if job.skills:
        db.session.execute(
            insert(JobSkill), [{"job_id": job.id, "skill": skill} for skill in job.skills]
        )


def _publish(job: Job, company: Company, now: datetime) -> None:
    job.status = JobStatus.PUBLISHED
    job.published_at = now
    job.closed_at = None
    if job.expires_at is None or job.expires_at <= now:
        job.expires_at = now + timedelta(days=current_app.config["JOB_DEFAULT_LIFETIME_DAYS"])
    # A verified company's jobs are approved at once; the rest wait for an admin. A
    # decision stands until the content changes; a flagged job waits for an admin.
    if company.verified and job.moderation_status == ModerationStatus.PENDING:
        job.moderation_status = ModerationStatus.APPROVED
        job.moderation_reason = None
        job.moderated_at = now
        job.moderated_by_id = None


def job_written(job: Job) -> None:
    """After any write: retire cached searches; if public, look for matching alerts."""
    cache.invalidate_search()
    if is_public(job):
        job_id, public_since = job.id, utcnow().isoformat()
        on_commit(lambda: _enqueue_alerts(job_id, public_since))


def _enqueue_alerts(job_id: int, public_since: str) -> None:
    from jobhub.jobs.tasks import match_saved_searches

    match_saved_searches.delay(job_id, public_since)


def create_job(*, actor: User, company: Company, data: dict[str, Any]) -> Job:
    """Post a job as a draft, or publish it at once (moderation permitting)."""
    now = utcnow()
    data = dict(data)
    status = data.pop("status", JobStatus.DRAFT)
    data.pop("company_id", None)
    _normalize_skills(data)
    job = Job(
        company=company,
        company_name=company.name,
        created_by_id=actor.id,
        status=JobStatus.DRAFT,
        moderation_status=ModerationStatus.PENDING,
        **data,
    )
    _check(job, now=now, expires_changed=True)
    if status == JobStatus.PUBLISHED:
        _publish(job, company, now)
    db.session.add(job)
    db.session.flush()
    _sync_skills(job)
    job_written(job)
    return job


def update_job(*, job: Job, changes: dict[str, Any]) -> Job:
    """Edit fields and/or move the status (draft → published → closed, closed → published)."""
    now = utcnow()
    changes = dict(changes)
    target = changes.pop("status", None)
    _normalize_skills(changes, job)
    changed = set()
    for field in EDITABLE_FIELDS:
        if field in changes and getattr(job, field) != changes[field]:
            setattr(job, field, changes[field])
            changed.add(field)
    content_changed = bool(changed.intersection(CONTENT_FIELDS))
    _check(job, now=now, expires_changed="expires_at" in changes)
    company = db.session.get(Company, job.company_id)
    # An edit resubmits a rejected job, and sends an unverified company's approved job
    # back to the queue.
    if content_changed and (
        job.moderation_status == ModerationStatus.REJECTED
        or (job.moderation_status == ModerationStatus.APPROVED and not company.verified)
    ):
        job.moderation_status = ModerationStatus.PENDING
        job.moderation_reason = None
    if target is not None and target != job.status:
        allowed = ALLOWED_MOVES[job.status]
        if target not in allowed:
            names = ", ".join(s.value for s in allowed) or "none"
            raise InvalidTransition(
                f"A {job.status.value} job cannot become {target.value}; allowed: {names}."
            )
        if target == JobStatus.PUBLISHED:
            _publish(job, company, now)
        else:
            job.status = target
            job.closed_at = now
    db.session.flush()
    if "skills" in changes:
        _sync_skills(job)
    job_written(job)
    if changed & MATCHED_FIELDS:
        signals.job_content_changed.send(current_app._get_current_object(), job=job)
    return job


def delete_job(*, job: Job) -> None:
    """Soft delete: hidden from every read, restorable from the trash."""
    job.deleted_at = utcnow()
    db.session.flush()
    job_written(job)


def restore_job(*, job: Job) -> Job:
    """Undo a soft delete (not for a deleted company's jobs)."""
    company = db.session.get(Company, job.company_id)
    if company is None or company.deleted_at is not None:
        raise Conflict("The job's company was deleted; its jobs cannot be restored.")
    job.deleted_at = None
    db.session.flush()
    job_written(job)
    return job


def record_view(*, job: Job) -> None:
    """Count a view; ``job.views`` shows it at once, the database gets it on flush."""
    pending = cache.count_view(job.id)
    # Not a change to persist: the counter (Redis or an UPDATE) already holds it.
    set_committed_value(job, "views", job.views + pending)


# -- company-wide changes (called by the companies domain) ------------------------------


def company_changed(*, company: Company) -> None:
    """A rename reaches the denormalised name (and, by trigger, the search index)."""
    db.session.execute(
        update(Job)
        .where(Job.company_id == company.id, Job.company_name != company.name)
        .values(company_name=company.name)
        .execution_options(synchronize_session=False)
    )
    cache.invalidate_search()


def remove_company_jobs(*, company: Company) -> None:
    """A deleted company's jobs are soft-deleted (and closed) with it."""
    now = utcnow()
    db.session.execute(
        update(Job)
        .where(Job.company_id == company.id, Job.deleted_at.is_(None))
        .values(deleted_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Job)
        .where(Job.company_id == company.id, Job.status == JobStatus.PUBLISHED)
        .values(status=JobStatus.CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    cache.invalidate_search()


def close_expired(*, now: datetime | None = None) -> int:
    """Close every published job past its expiry; returns how many."""
    now = now or utcnow()
    result = db.session.execute(
        update(Job)
        .where(Job.status == JobStatus.PUBLISHED, Job.expires_at <= now)
        .values(status=JobStatus.CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        cache.invalidate_search()
    return result.rowcount
