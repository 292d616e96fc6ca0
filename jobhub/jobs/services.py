"""Job services: posting, editing, status moves, soft delete, views and expiry.

Searching is in ``jobhub.jobs.search``, moderation and reports in ``jobhub.jobs.moderation``,
saved searches and their alerts in ``jobhub.jobs.saved_searches``. Every write retires
the anonymous search cache after commit, and a write that leaves a job public queues the
saved-search alert task.

Views are counted in Redis and flushed to ``jobs.views`` by a beat task; without Redis
they are written straight to the database with an atomic ``UPDATE … views = views + 1``.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import redis
from flask import current_app
from sqlalchemy import Select, bindparam, delete, insert, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from jobhub import bulk, signals, staging
from jobhub import skills as taxonomy
from jobhub.companies import services as companies
from jobhub.companies.models import Company, MemberRole
from jobhub.db import db, enqueue_after_commit, on_commit, utcnow
from jobhub.errors import Conflict, InvalidTransition, NotFound, ValidationError
from jobhub.extensions import redis_store
from jobhub.jobs.models import CONTENT_FIELDS, Job, JobSkill, JobStatus, ModerationStatus
from jobhub.jobs.queries import listed_columns, visible_jobs_query
from jobhub.jobs.search import models as fulltext
from jobhub.jobs.search import services as search
from jobhub.users.models import Role, User

ALLOWED_MOVES: dict[JobStatus, tuple[JobStatus, ...]] = {
    JobStatus.DRAFT: (JobStatus.PUBLISHED,),
    JobStatus.PUBLISHED: (JobStatus.CLOSED,),
    JobStatus.CLOSED: (JobStatus.PUBLISHED,),
}
EDITABLE_FIELDS = (*CONTENT_FIELDS, "expires_at", "external_ref")
REFERENCE_TAKEN = "Already used by another job of this company."
VIEWS_KEY = "jobhub:jobs:views"
VIEWS_FLUSHING_PREFIX = "jobhub:jobs:views:flushing:"
log = logging.getLogger(__name__)
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


def get_restorable_job(*, actor: User | None, job_id: int) -> Job:
    """A deleted job ``actor`` may restore, else a live one they may see (restoring it is
    then a 409: nothing to undo); neither is a 404."""
    query = visible_jobs_query(actor, deleted=True).where(Job.id == job_id)
    job = db.session.scalar(query.options(joinedload(Job.company)))
    return job if job is not None else get_visible_job(actor=actor, job_id=job_id)


def read_job(*, actor: User | None, job_id: int) -> Job:
    """A visible job; a public job's view by its audience is counted."""
    job = get_visible_job(actor=actor, job_id=job_id)
    if is_public(job) and _counts_as_view(actor, membership(actor=actor, job=job)):
        record_view(job=job)
    else:
        set_committed_value(job, "views", job.views + pending_views(job.id))
    return job


def _counts_as_view(actor: User | None, membership: MemberRole | None) -> bool:
    """The audience's views count; the company's own members and admins do not."""
    return (actor is None or actor.role != Role.ADMIN) and membership is None


def membership(*, actor: User | None, job: Job) -> MemberRole | None:
    """The actor's role in the job's company."""
    if actor is None:
        return None
    return companies.role_of(actor=actor, company_id=job.company_id)


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
        Job.company_id.in_(companies.acting_company_ids(actor=actor))
    )
    if status is not None:
        query = query.where(Job.status == status)
    if moderation_status is not None:
        query = query.where(Job.moderation_status == moderation_status)
    if company_id is not None:
        query = query.where(Job.company_id == company_id)
    # Only what JobSchema shows: no search vector, moderation audit or company profile.
    return query.options(*listed_columns()).order_by(Job.created_at.desc(), Job.id.desc())


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
    if job.external_ref is not None and _reference_taken(job):
        errors["external_ref"] = [REFERENCE_TAKEN]
    if errors:
        raise ValidationError(errors={"json": errors})


def _reference_taken(job: Job) -> bool:
    """Another job of the company (deleted ones too: the index holds them) has the ref."""
    company_id = job.company_id if job.company_id is not None else job.company.id
    query = select(Job.id).where(Job.company_id == company_id, Job.external_ref == job.external_ref)
    if job.id is not None:
        query = query.where(Job.id != job.id)
    with db.session.no_autoflush:
        return db.session.scalar(query.limit(1)) is not None


def reference_viewer(actor: Any) -> Callable[[int], bool]:
    """Whether ``actor`` may see a company's job references (``Job.shown_external_ref``):
    its members (a company's API key: its own) and admins; asked once per company."""
    if actor is None:
        return lambda _company_id: False
    if getattr(actor, "role", None) == Role.ADMIN:
        return lambda _company_id: True
    seen: dict[int, bool] = {}

    def sees(company_id: int) -> bool:
        if company_id not in seen:
            seen[company_id] = companies.role_of(actor=actor, company_id=company_id) is not None
        return seen[company_id]

    return sees


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


def status_changed(job: Job, *, before: JobStatus | None) -> None:
    """Every move of a job's status goes out here, whoever made it (its company, the expiry
    sweep, its company's deletion): one ``job_status_changed`` (webhooks' job events)."""
    signals.job_status_changed.send(current_app._get_current_object(), job=job, before=before)


def job_written(job: Job) -> None:
    """After any write: retire cached searches; if public, look for matching alerts."""
    search.invalidate_search()
    if is_public(job):
        enqueue_after_commit("jobs.match_saved_searches", job.id, utcnow().isoformat())


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
    if job.status == JobStatus.PUBLISHED:
        status_changed(job, before=None)
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
    before = job.status
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
    if job.status != before:
        status_changed(job, before=before)
    return job


def delete_job(*, job: Job) -> None:
    """Soft delete: hidden from every read, restorable from the trash."""
    job.deleted_at = utcnow()
    db.session.flush()
    job_written(job)


def restore_job(*, job: Job) -> Job:
    """Undo a soft delete (not for a deleted company's jobs); a live job is a 409."""
    if job.deleted_at is None:
        raise Conflict("The job is not deleted; there is nothing to restore.")
    company = db.session.get(Company, job.company_id)
    if company is None or company.deleted_at is not None:
        raise Conflict("The job's company was deleted; its jobs cannot be restored.")
    job.deleted_at = None
    db.session.flush()
    job_written(job)
    return job


def record_view(*, job: Job) -> None:
    """Count a view; ``job.views`` shows it at once, the database gets it on flush."""
    pending = count_view(job.id)
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
    search.invalidate_search()


def remove_company_jobs(*, company: Company) -> None:
    """A deleted company's jobs are soft-deleted (and closed) with it."""
    now = utcnow()
    db.session.execute(
        update(Job)
        .where(Job.company_id == company.id, Job.deleted_at.is_(None))
        .values(deleted_at=now)
        .execution_options(synchronize_session=False)
    )
    _close_each(
        select(Job).where(Job.company_id == company.id, Job.status == JobStatus.PUBLISHED),
        now=now,
        skip_locked=False,  # the company's deletion must close every one of its jobs
    )
    search.invalidate_search()


CLOSE_BATCH = 500


def _close_each(query: Select[tuple[Job]], *, now: datetime, skip_locked: bool) -> int:
    """Close the published jobs ``query`` selects, one by one through ``status_changed``,
    in batches, each row locked (``FOR UPDATE``; with ``skip_locked``, a job someone is
    editing right now is left for the next sweep instead of waited for)."""
    closed = 0
    while True:
        batch = db.session.scalars(
            query.where(Job.status == JobStatus.PUBLISHED)
            .order_by(Job.id)
            .limit(CLOSE_BATCH)
            .with_for_update(skip_locked=skip_locked)
            .execution_options(populate_existing=True)
        ).all()
        for job in batch:
            job.status = JobStatus.CLOSED
            job.closed_at = now
        db.session.flush()
        for job in batch:
            status_changed(job, before=JobStatus.PUBLISHED)
        closed += len(batch)
        if len(batch) < CLOSE_BATCH:
            return closed


def close_expired(*, now: datetime | None = None) -> int:
    """Close every published job past its expiry (the beat sweep), each raising
    ``job_status_changed`` as a close by its company does; returns how many."""
    now = now or utcnow()
    closed = _close_each(select(Job).where(Job.expires_at <= now), now=now, skip_locked=True)
    if closed:
        search.invalidate_search()
    return closed


# -- the view counter -----------------------------------------------------------------------------


def _redis() -> redis.Redis | None:
    return redis_store.client(current_app)


def count_view(job_id: int) -> int:
    """Count one view; return the views not yet reflected in ``Job.views``."""
    client = _redis()
    if client is not None:
        try:
            return int(client.hincrby(VIEWS_KEY, str(job_id), 1))
        except redis.RedisError:
            log.warning("view counter unavailable; counting in the database", exc_info=True)
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(views=Job.views + 1, updated_at=Job.updated_at)
        .execution_options(synchronize_session=False)
    )
    return 1


def pending_views(job_id: int) -> int:
    """Views counted in Redis and not yet flushed to the database."""
    client = _redis()
    if client is None:
        return 0
    try:
        return int(client.hget(VIEWS_KEY, str(job_id)) or 0)
    except redis.RedisError:
        return 0


def view_count_batches() -> list[bytes]:
    """The hashes of counted views waiting to be written to ``jobs.views``.

    The live hash is renamed first, so views counted meanwhile go to a fresh hash; a
    renamed hash left by a crashed flush is picked up as well.
    """
    client = _redis()
    if client is None:
        return []
    with contextlib.suppress(redis.ResponseError):  # nothing counted since the last flush
        client.rename(VIEWS_KEY, f"{VIEWS_FLUSHING_PREFIX}{uuid.uuid4().hex}")
    return list(client.scan_iter(match=f"{VIEWS_FLUSHING_PREFIX}*"))


def flush_view_batch(key: bytes) -> int:
    """Add one hash's views to ``jobs.views``; the hash goes once that commits."""
    client = _redis()
    counts = {int(k): int(v) for k, v in client.hgetall(key).items()}
    if counts:
        statement = (
            update(Job)
            .where(Job.id == bindparam("job_id"))
            .values(views=Job.views + bindparam("added"), updated_at=Job.updated_at)
            .execution_options(synchronize_session=False)
        )
        db.session.connection().execute(
            statement, [{"job_id": k, "added": v} for k, v in counts.items()]
        )
    on_commit(lambda: client.delete(key))
    return sum(counts.values())


# -- bulk (SPEC §10): checked by the view, applied here one by one, all or nothing ------


def bulk_create_jobs(*, actor: User, items: list[tuple[Company, dict[str, Any]]]) -> list[Job]:
    """Post every job as ``create_job`` does; any refusal is the bulk 422."""
    return bulk.apply_each(
        items, lambda item: create_job(actor=actor, company=item[0], data=item[1])
    )


def bulk_update_jobs(*, items: list[tuple[Job, dict[str, Any]]]) -> list[Job]:
    """Change every job as ``update_job`` does; any refusal is the bulk 422."""
    return bulk.apply_each(items, lambda item: update_job(job=item[0], changes=item[1]), "status")


def bulk_delete_jobs(*, jobs: list[Job]) -> list[Job]:
    """Soft-delete every job as ``delete_job`` does."""
    for job in jobs:
        delete_job(job=job)
    return jobs


# -- imports (jobhub.imports): validated rows in, set-based; undo -------------------------


def import_row_problems(data: dict[str, Any], *, now: datetime) -> dict[str, list[str]]:
    """What ``_check`` would refuse in an imported row (the schema checked the rest)."""
    problems: dict[str, list[str]] = {}
    salary = data.get("salary_min") is not None or data.get("salary_max") is not None
    if salary and not data.get("salary_currency"):
        problems["salary_currency"] = ["Required when a salary is given."]
    expires = data.get("expires_at")
    if data.get("status") == JobStatus.PUBLISHED and expires is not None and expires <= now:
        problems["expires_at"] = ["Must be in the future for a published job."]
    return problems


_REFERENCE_CHUNK = 1000


def jobs_by_reference(*, company_id: int, refs: list[str]) -> dict[str, int]:
    """The company's jobs (deleted ones too) with these ``external_ref``: ref → id."""
    found: dict[str, int] = {}
    for start in range(0, len(refs), _REFERENCE_CHUNK):
        chunk = refs[start : start + _REFERENCE_CHUNK]
        query = select(Job.external_ref, Job.id).where(
            Job.company_id == company_id, Job.external_ref.in_(chunk)
        )
        found.update({ref: job_id for ref, job_id in db.session.execute(query)})
    return found


def check_import_references(
    *, company_id: int, rows: list[dict[str, Any]]
) -> dict[int, dict[str, list[str]]]:
    """The imported rows whose ``external_ref`` another job of the company has, or an
    earlier row of the file (one statement per thousand references)."""
    refs = [row["external_ref"] for row in rows if row.get("external_ref") is not None]
    if not refs:
        return {}
    taken = jobs_by_reference(company_id=company_id, refs=sorted(set(refs)))
    problems: dict[int, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for index, row in enumerate(rows):
        ref = row.get("external_ref")
        if ref is None:
            continue
        if ref in taken:
            problems[index] = {"external_ref": [REFERENCE_TAKEN]}
        elif ref in seen:
            problems[index] = {"external_ref": ["Used by an earlier row of this file."]}
        seen.add(ref)
    return problems


_IMPORT_DEFAULTS: dict[str, Any] = {
    "external_ref": None,
    "location": None,
    "country": None,
    "salary_min": None,
    "salary_max": None,
    "salary_currency": None,
    "expires_at": None,
}


def _imported_values(
    data: dict[str, Any],
    *,
    company: Company,
    actor_id: int | None,
    import_id: int,
    now: datetime,
    skills: dict[tuple, tuple[list[str], list[str]]] | None = None,
) -> dict[str, Any]:
    """One row of the multi-row insert: the same keys for every row, as ``create_job``
    would have set them (skills through the taxonomy, publishing, moderation)."""
    values = {**_IMPORT_DEFAULTS, **data}
    if skills is None or not values.keys() >= {"skills", "nice_to_have_skills"}:
        _normalize_skills(values)
    else:  # a file repeats its skill lists: each distinct pair normalised once
        key = (tuple(values["skills"]), tuple(values["nice_to_have_skills"]))
        if key not in skills:
            _normalize_skills(values)
            skills[key] = (values["skills"], values["nice_to_have_skills"])
        values["skills"], values["nice_to_have_skills"] = (list(kept) for kept in skills[key])
    status = values.pop("status", JobStatus.DRAFT)
    approved = status == JobStatus.PUBLISHED and company.verified
    lifetime = timedelta(days=current_app.config["JOB_DEFAULT_LIFETIME_DAYS"])
    if status == JobStatus.PUBLISHED and values["expires_at"] is None:
        values["expires_at"] = now + lifetime
    values.update(
        company_id=company.id,
        company_name=company.name,
        created_by_id=actor_id,
        import_id=import_id,
        status=status,
        moderation_status=ModerationStatus.APPROVED if approved else ModerationStatus.PENDING,
        moderated_at=now if approved else None,
        published_at=now if status != JobStatus.DRAFT else None,
        closed_at=now if status == JobStatus.CLOSED else None,
        views=0,
        applications_count=0,
        created_at=now,
        updated_at=now,
    )
    return values


def import_jobs(
    *,
    company: Company,
    actor_id: int | None,
    import_id: int,
    rows: list[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert validated rows set-based, never one statement per row: on PostgreSQL a COPY
    into a staging table, then one ``INSERT … SELECT`` into ``jobs`` and one into
    ``job_skills`` (from the inserted jobs' own skills); elsewhere multi-row INSERTs. No
    saved-search alerts (an import of thousands would flood them). Returns the count."""
    if not rows:
        return 0
    now = utcnow()
    skills: dict[tuple, tuple[list[str], list[str]]] = {}
    values = [
        _imported_values(
            row, company=company, actor_id=actor_id, import_id=import_id, now=now, skills=skills
        )
        for row in rows
    ]
    if db.session.get_bind().dialect.name == "postgresql":
        count = _copy_jobs(
            values,
            company_id=company.id,
            actor_id=actor_id,
            import_id=import_id,
            progress=progress,
        )
    else:
        count = _insert_jobs(values, progress=progress)
    search.invalidate_search()
    return count


_STAGE = "import_jobs_stage"


def _copy_jobs(
    values: list[dict[str, Any]],
    *,
    company_id: int,
    actor_id: int | None,
    import_id: int,
    progress: Callable[[int], None] | None,
) -> int:
    """COPY the rows into a staging table (``jobhub.staging``), then two merges: ``jobs``
    with each row's search vector computed by the ``INSERT … SELECT`` (the trigger keeps
    it), and ``job_skills`` from the inserted jobs' own skills (by ``import_id``). The merges
    skip the per-row foreign-key checks when ``staging.references_held`` may: the
    company and the creator are locked once, the skills' jobs are this transaction's."""
    # Here, not at the top: only on PostgreSQL, whose driver is loaded by then (the eventlet
    # server sets PSYCOPG_WAIT_FUNC before psycopg is first imported).
    from psycopg import sql

    columns = list(values[0])
    names = sql.SQL(", ").join(sql.Identifier(name) for name in columns)
    stage = sql.Identifier(_STAGE)
    vector = sql.SQL(fulltext.search_vector_sql())  # a constant of jobhub.jobs.search
    locks = [("companies", [company_id]), ("users", [] if actor_id is None else [actor_id])]
    with staging.driver_connection().cursor() as cursor:
        staging.copy_to_stage(
            cursor,
            table=Job.__table__,
            stage=_STAGE,
            columns=columns,
            rows=values,
            progress=progress,
        )
        with staging.references_held(cursor, locks):
            cursor.execute(
                sql.SQL("INSERT INTO jobs ({}, search_vector) SELECT {}, {} FROM {}").format(
                    names, names, vector, stage
                )
            )
            count = cursor.rowcount
            cursor.execute(
                "INSERT INTO job_skills (job_id, skill) "
                "SELECT jobs.id, skill FROM jobs, json_array_elements_text(jobs.skills) AS skill "
                "WHERE jobs.import_id = %s",
                (import_id,),
            )
        cursor.execute(sql.SQL("DROP TABLE {}").format(stage))
    return count


def _insert_jobs(values: list[dict[str, Any]], *, progress: Callable[[int], None] | None) -> int:
    """Multi-row INSERTs (SQLAlchemy's insertmanyvalues: a few statements per thousand
    rows; the ORM's bulk path would go row by row for RETURNING here)."""
    table = Job.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    every = current_app.config["IMPORT_PROGRESS_ROWS"]
    count = 0
    for start in range(0, len(values), every):
        chunk = values[start : start + every]
        ids = list(db.session.execute(statement, chunk).scalars())
        skills = [
            {"job_id": job_id, "skill": skill}
            for job_id, row in zip(ids, chunk, strict=True)
            for skill in row["skills"]
        ]
        if skills:
            db.session.execute(insert(JobSkill.__table__), skills)
        count += len(ids)
        if progress is not None:
            progress(count)
    return count


def undo_import(*, import_id: int) -> int:
    """Soft-delete the live jobs an import created; returns how many."""
    result = db.session.execute(
        update(Job)
        .where(Job.import_id == import_id, Job.deleted_at.is_(None))
        .values(deleted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    search.invalidate_search()
    return result.rowcount
