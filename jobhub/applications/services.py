"""Application services: apply, move through the pipeline, notes, account deletion.

``move`` is the one place an application's status changes: checked against the table
(``models.TRANSITIONS``), locked, recorded, counted, and announced with the
``application_status_changed`` signal (interviews react to it). Reads start from
``queries``; interviews and feedback are in ``jobhub.applications.interviews``.

``jobs.applications_count`` counts a job's applications that were not withdrawn (rejected
and hired ones included): applying adds one, withdrawing takes one away, both as SQL
increments in the mover's transaction.

The notifications the pipeline raises never carry, to a candidate, an employer's note,
a rejection reason or feedback: titles, bodies and ``data`` name the job, the company
and the status only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from itertools import pairwise
from typing import Any

from flask import current_app
from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from jobhub import bulk, signals, staging
from jobhub.applications.models import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplicationSource,
    ApplicationStatus,
    RejectionReason,
    Side,
    describe_refusal,
    is_allowed,
)
from jobhub.applications.queries import get_visible_application, has_active_application
from jobhub.audit import services as audit
from jobhub.companies import services as companies
from jobhub.db import db, utcnow
from jobhub.errors import Duplicate, InvalidTransition, NotFound, ValidationError
from jobhub.jobs import services as jobs
from jobhub.jobs.models import Job
from jobhub.notifications import services as notifications
from jobhub.resumes import queries as resumes
from jobhub.users import services as users
from jobhub.users.models import Role, User

SORTS = ("newest", "match")
OPEN_STATUSES = ACTIVE_STATUSES - FINAL_STATUSES
_DUPLICATE = "You already have an active application for this job."


# -- applying ----------------------------------------------------------------------------


def apply(
    *,
    actor: User,
    job_id: int,
    resume_id: int | None = None,
    cover_letter: str | None = None,
    source: ApplicationSource = ApplicationSource.DIRECT,
) -> Application:
    """Apply to a public job; a second active application for it is 409 ``duplicate``.

    The partial unique index decides races: the losing insert fails inside a savepoint
    and answers 409 like the early check does.
    """
    job = jobs.get_visible_job(actor=actor, job_id=job_id)
    if not jobs.is_public(job):
        raise NotFound("No such job.")
    if resume_id is not None:
        _check_resume(actor=actor, resume_id=resume_id)
    if has_active_application(candidate_id=actor.id, job_id=job.id):
        raise Duplicate(_DUPLICATE)
    application = _insert(
        Application(
            job_id=job.id,
            company_id=job.company_id,
            candidate_id=actor.id,
            resume_id=resume_id,
            cover_letter=cover_letter,
            source=source,
            status=ApplicationStatus.APPLIED,
        )
    )
    record(
        application=application,
        actor=actor,
        side=Side.CANDIDATE,
        from_status=None,
        to_status=ApplicationStatus.APPLIED,
    )
    adjust_applications_count(job_id=job.id, delta=1)
    db.session.flush()
    application.job = job
    application.candidate = actor
    application_received(application=application, job=job, candidate=actor)
    signals.application_submitted.send(_app(), application=application)
    return application


def _insert(application: Application) -> Application:
    """Insert in a savepoint: the index refusing a second active application is a 409."""
    now = utcnow()
    application.status_changed_at = application.created_at = application.updated_at = now
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        raise Duplicate(_DUPLICATE) from None
    return application


def _app() -> Any:
    return current_app._get_current_object()  # type: ignore[attr-defined]


def _check_resume(*, actor: User, resume_id: int) -> None:
    """The resume must be one of the applicant's own (another's is as good as missing)."""
    resume = resumes.get_resume(resume_id=resume_id)
    if resume is None or resume.user_id != actor.id:
        raise ValidationError(
            "Apply with one of your own resumes.",
            errors={"json": {"resume_id": ["No such resume among yours."]}},
        )


# -- moving ------------------------------------------------------------------------------


def lock(application: Application) -> ApplicationStatus:
    """Re-read the status under a row lock (PostgreSQL), so concurrent moves serialise."""
    db.session.refresh(application, ["status", "rejection_reason"], with_for_update=True)
    return application.status


def adjust_applications_count(*, job_id: int, delta: int) -> None:
    """Add ``delta`` to the job's count in SQL (no read-modify-write race)."""
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            {
                Job.applications_count: Job.applications_count + delta,
                # Kept as is: a new applicant is not an edit of the job.
                Job.updated_at: Job.updated_at,
            }
        )
        .execution_options(synchronize_session=False)
    )


def record(
    *,
    application: Application,
    actor: User | None,
    side: Side,
    from_status: ApplicationStatus | None,
    to_status: ApplicationStatus,
    note: str | None = None,
    reason: RejectionReason | None = None,
) -> ApplicationEvent:
    """Add one entry to the application's history."""
    event = ApplicationEvent(
        application_id=application.id,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.id if actor is not None else None,
        actor_side=side,
        note=note,
        reason=reason,
        created_at=utcnow(),
    )
    db.session.add(event)
    return event


def move(
    *,
    application: Application,
    actor: User,
    side: Side,
    target: ApplicationStatus,
    note: str | None = None,
    reason: RejectionReason | None = None,
) -> ApplicationEvent:
    """Move ``application`` to ``target`` for ``side`` as the transition table allows.

    Anything else is 409 ``invalid_transition`` naming the allowed targets.
    """
    current = lock(application)
    if not is_allowed(side, current, target):
        raise InvalidTransition(describe_refusal(side, current, target))
    application.status = target
    application.status_changed_at = utcnow()
    if target == ApplicationStatus.REJECTED:
        application.rejection_reason = reason
    event = record(
        application=application,
        actor=actor,
        side=side,
        from_status=current,
        to_status=target,
        note=note,
        reason=reason if target == ApplicationStatus.REJECTED else None,
    )
    if target == ApplicationStatus.WITHDRAWN:
        adjust_applications_count(job_id=application.job_id, delta=-1)
    _audit_move(application, actor, current, target, event.reason)
    db.session.flush()
    signals.application_status_changed.send(_app(), application=application, event=event)
    return event


def _audit_move(
    application: Application,
    actor: User,
    before: ApplicationStatus,
    after: ApplicationStatus,
    reason: RejectionReason | None,
) -> None:
    """Every pipeline move is in the audit log (SPEC §8); the note stays out (free text)."""
    changes: dict[str, Any] = {"status": [before.value, after.value]}
    if reason is not None:
        changes["rejection_reason"] = [None, reason.value]
    audit.record(
        action="application.status_changed",
        actor=actor,
        target_type="application",
        target_id=application.id,
        changes=changes,
        subject_id=application.candidate_id,
    )


def change_status(
    *,
    application: Application,
    actor: User,
    side: Side,
    target: ApplicationStatus,
    note: str | None = None,
    reason: RejectionReason | None = None,
) -> Application:
    """Move the application for ``side``; the other side hears of it after commit.

    Reaching a final status (hired, rejected, withdrawn) cancels upcoming interviews.
    """
    event = move(
        application=application, actor=actor, side=side, target=target, note=note, reason=reason
    )
    status_changed(
        application=application, job=application.job, candidate=application.candidate, event=event
    )
    return application


def forget_resume(*, resume_id: int, connection: Connection) -> None:
    """A deleted resume leaves the applications it came with: the database's SET NULL,
    done here too for SQLite, which does not enforce foreign keys. Runs inside the
    flush that deletes the resume, hence on its connection."""
    connection.execute(
        update(Application)
        .where(Application.resume_id == resume_id)
        .values(resume_id=None)
        .execution_options(synchronize_session=False)
    )


# -- notes -------------------------------------------------------------------------------


def add_note(*, application: Application, author: User, body: str) -> ApplicationNote:
    """Add a private note."""
    note = ApplicationNote(
        application_id=application.id, author_id=author.id, body=body, created_at=utcnow()
    )
    db.session.add(note)
    db.session.flush()
    note.author = author
    return note


# -- account deletion --------------------------------------------------------------------

DELETION_NOTE = "Withdrawn automatically: the candidate deleted their account."


def remove_candidate(*, user: User) -> int:
    """Withdraw the user's open applications (recorded) and anonymise all of them.

    The employer keeps each application and its history, not who it was: the cover
    letter and resume go, and the candidate shows as "Deleted candidate". Returns how
    many applications were withdrawn.
    """
    applications = list(
        db.session.scalars(
            select(Application)
            .options(joinedload(Application.job), joinedload(Application.candidate))
            .where(Application.candidate_id == user.id)
            .order_by(Application.id)
        )
    )
    now = utcnow()
    withdrawn = 0
    for application in applications:
        application.anonymized_at = now
        application.cover_letter = None
        application.resume_id = None
        # Derived from the candidate's resume: the score and why (SPEC §10).
        application.match_score = None
        application.match_explanation = None
        if application.status not in OPEN_STATUSES:
            continue
        event = move(
            application=application,
            actor=user,
            side=Side.CANDIDATE,
            target=ApplicationStatus.WITHDRAWN,
            note=DELETION_NOTE,
        )
        status_changed(application=application, job=application.job, candidate=user, event=event)
        withdrawn += 1
    _redact_notices(user=user, applications=applications)
    db.session.flush()
    return withdrawn


def _redact_notices(*, user: User, applications: list[Application]) -> None:
    """What the companies were told about these applications stops naming the candidate."""
    members = {
        member.id
        for company_id in {application.company_id for application in applications}
        for member in companies.member_users(company_id=company_id)
    }
    notifications.redact_name(
        recipient_ids=members,
        data_key="application_id",
        data_values=[application.id for application in applications],
        name=user.full_name,
        replacement=DELETED_CANDIDATE,
    )


# -- what the pipeline tells people ------------------------------------------------------

DELETED_CANDIDATE = "Deleted candidate"

_FOR_CANDIDATE = {
    ApplicationStatus.SCREENING: "is being reviewed",
    ApplicationStatus.INTERVIEWING: "moved to the interview stage",
    ApplicationStatus.OFFERED: "comes with an offer",
    ApplicationStatus.REJECTED: "was not successful",
}
_FOR_EMPLOYER = {
    ApplicationStatus.WITHDRAWN: "withdrew their application for",
    ApplicationStatus.HIRED: "accepted the offer for",
}


def candidate_name(application: Application, candidate: User) -> str:
    """How the employer sees the candidate: by name, or anonymised after account deletion."""
    if application.is_anonymized or candidate.deleted_at is not None:
        return DELETED_CANDIDATE
    return candidate.full_name


def application_data(application: Application, job: Job) -> dict[str, Any]:
    return {
        "application_id": application.id,
        "job_id": job.id,
        "job_title": job.title,
        "company_id": job.company_id,
        "company_name": job.company_name,
    }


def application_received(*, application: Application, job: Job, candidate: User) -> None:
    """``application.received`` to every member of the job's company."""
    name = candidate_name(application, candidate)
    companies.notify_members(
        company_id=job.company_id,
        type="application.received",
        title=f"New application for {job.title}",
        body=f"{name} applied to {job.title}.",
        data=application_data(application, job),
    )


def status_changed(
    *, application: Application, job: Job, candidate: User, event: ApplicationEvent
) -> None:
    """An employer's move tells the candidate; a candidate's move tells the members."""
    data = {
        **application_data(application, job),
        "from_status": event.from_status.value if event.from_status else None,
        "to_status": event.to_status.value,
    }
    if event.actor_side == Side.EMPLOYER:
        phrase = _FOR_CANDIDATE.get(event.to_status, f"is now {event.to_status.value}")
        notifications.notify(
            user=candidate,
            type="application.status_changed",
            title=f"Your application for {job.title} {phrase}",
            body=f"Your application for {job.title} at {job.company_name} {phrase}.",
            data=data,
        )
        return
    name = candidate_name(application, candidate)
    phrase = _FOR_EMPLOYER.get(event.to_status, f"moved to {event.to_status.value}:")
    body = f"{name} {phrase} {job.title}."
    if event.note:
        body += f"\n\n{event.note}"
    companies.notify_members(
        company_id=job.company_id,
        type="application.status_changed",
        title=f"{name} {phrase} {job.title}",
        body=body,
        data=data,
    )


# -- bulk (SPEC §10): everything checked first, then applied one by one ------------------


def _movable(*, actor: User, side: Side, application_id: int, target: ApplicationStatus) -> Any:
    """A visible application that may move to ``target`` (else this item is refused)."""
    application = get_visible_application(actor=actor, application_id=application_id)
    if not is_allowed(side, application.status, target):
        refusal = describe_refusal(side, application.status, target)
        raise ValidationError(errors={"json": {"status": [refusal]}})
    return application


def bulk_change_status(
    *,
    actor: User,
    side: Side,
    ids: list[int],
    target: ApplicationStatus,
    note: str | None = None,
    reason: RejectionReason | None = None,
) -> list[Application]:
    """Move every application as ``change_status`` does: all of them, or none (422)."""
    found = bulk.check_each(
        ids,
        lambda application_id: _movable(
            actor=actor, side=side, application_id=application_id, target=target
        ),
        "id",
    )
    return bulk.apply_each(
        found,
        lambda application: change_status(
            application=application, actor=actor, side=side, target=target, note=note, reason=reason
        ),
        "status",
    )


def _applicable(*, actor: User, job_id: int) -> Job:
    """A public job the candidate has no active application for (else refused)."""
    job = jobs.get_visible_job(actor=actor, job_id=job_id)
    if not jobs.is_public(job):
        raise NotFound("No such job.")
    if has_active_application(candidate_id=actor.id, job_id=job.id):
        raise Duplicate(_DUPLICATE)
    return job


def bulk_apply(*, actor: User, job_ids: list[int], resume_id: int | None = None) -> list[Any]:
    """Apply to every job as ``apply`` does: all of them, or none (422)."""
    if resume_id is not None:
        _check_resume(actor=actor, resume_id=resume_id)
    found = bulk.check_each(
        job_ids, lambda job_id: _applicable(actor=actor, job_id=job_id), "job_id"
    )
    return bulk.apply_each(
        found, lambda job: apply(actor=actor, job_id=job.id, resume_id=resume_id), "job_id"
    )


# -- imports (jobhub.imports): validated rows in, set-based; undo -----------------------

# A move in an imported history: (from_status, to_status, at, side).
ImportedMove = tuple[ApplicationStatus | None, ApplicationStatus, datetime, Side]
_CANDIDATE_TARGETS = frozenset({ApplicationStatus.WITHDRAWN, ApplicationStatus.HIRED})
_IMPORT_CHUNK = 5_000


def _side_of(current: ApplicationStatus, target: ApplicationStatus) -> Side | None:
    """Which side the status table lets make this move (None: neither)."""
    for side in (Side.EMPLOYER, Side.CANDIDATE):
        if is_allowed(side, current, target):
            return side
    return None


def import_row_problems(data: dict[str, Any], *, now: datetime) -> dict[str, list[str]]:
    """What an imported row may not say beyond its schema (rejection reason, dates, the
    history against the status table). Completes ``data``: ``created_at``,
    ``status_changed_at`` and ``moves`` (the history as ``ImportedMove``)."""
    problems: dict[str, list[str]] = {}
    status = data["status"]
    if data.get("rejection_reason") is not None and status != ApplicationStatus.REJECTED:
        problems["rejection_reason"] = ["Only a rejected application has a rejection reason."]
    history: list[tuple[ApplicationStatus, datetime]] = data.get("history") or []
    moves: list[ImportedMove] = []
    if history:
        if history[0][0] != ApplicationStatus.APPLIED:
            problems["history"] = ["Must start with applied."]
        elif history[-1][0] != status:
            problems["history"] = [f"Must end with the status ({status.value})."]
        else:
            moves.append((None, ApplicationStatus.APPLIED, history[0][1], Side.CANDIDATE))
            for (before, before_at), (after, at) in pairwise(history):
                side = _side_of(before, after)
                if side is None:
                    problems["history"] = [f"No move from {before.value} to {after.value}."]
                    break
                if at < before_at:
                    problems["history"] = ["The moves must be in time order."]
                    break
                moves.append((before, after, at, side))
        created = data.get("created_at") or history[0][1]
        changed = data.get("status_changed_at") or history[-1][1]
    else:
        created = data.get("created_at") or now
        changed = data.get("status_changed_at") or created
        moves.append((None, ApplicationStatus.APPLIED, created, Side.CANDIDATE))
        if status != ApplicationStatus.APPLIED:
            # What another system knew: where it is and since when, as one move.
            side = Side.CANDIDATE if status in _CANDIDATE_TARGETS else Side.EMPLOYER
            moves.append((ApplicationStatus.APPLIED, status, changed, side))
    if created > now:
        problems["created_at"] = ["Must not be in the future."]
    elif changed > now:
        problems["status_changed_at"] = ["Must not be in the future."]
    elif any(move[2] > now for move in moves):
        problems["history"] = ["Must not be in the future."]
    elif changed < created:
        problems["status_changed_at"] = ["Must not be before created_at."]
    data.update(created_at=created, status_changed_at=changed, moves=moves)
    return problems


def _live_jobs(company_id: int, job_ids: list[int]) -> set[int]:
    """Which of these ids are live jobs of the company."""
    live: set[int] = set()
    for start in range(0, len(job_ids), _IMPORT_CHUNK):
        chunk = job_ids[start : start + _IMPORT_CHUNK]
        live.update(
            db.session.scalars(
                select(Job.id).where(
                    Job.id.in_(chunk), Job.company_id == company_id, Job.deleted_at.is_(None)
                )
            )
        )
    return live


def _active_pairs(company_id: int, candidate_ids: list[int]) -> set[tuple[int, int]]:
    """(candidate, job) of these candidates' active applications to the company."""
    active: set[tuple[int, int]] = set()
    for start in range(0, len(candidate_ids), _IMPORT_CHUNK):
        chunk = candidate_ids[start : start + _IMPORT_CHUNK]
        active.update(
            db.session.execute(
                select(Application.candidate_id, Application.job_id).where(
                    Application.company_id == company_id,
                    Application.candidate_id.in_(chunk),
                    Application.status.in_(ACTIVE_STATUSES),
                    Application.live(),
                )
            ).tuples()
        )
    return active


def _check_job_link(
    row: dict[str, Any],
    found: dict[str, list[str]],
    live_jobs: set[int],
    by_reference: dict[str, int],
) -> None:
    """The row's job (by id, or by reference: then its ``job_id`` is completed) must be a
    live job of the company; both given must name the same job."""
    ref = row.get("job_reference")
    if ref is None:
        if row["job_id"] not in live_jobs:
            found["job_id"] = ["No job of this company has this id."]
        return
    job_id = by_reference.get(ref)
    if job_id is None or job_id not in live_jobs:
        found["job_reference"] = ["No job of this company has this reference."]
    elif row.get("job_id") not in (None, job_id):
        found["job_reference"] = ["Names another job than job_id."]
    row["job_id"] = row.get("job_id") or job_id


def check_import_rows(
    *, company_id: int, rows: list[dict[str, Any]]
) -> dict[int, dict[str, list[str]]]:
    """The problems only the database can tell, for every row at once (a few statements,
    whatever the row count): the job must be a live job of the company; the address must
    be a candidate's (or nobody's yet); no second active application of a candidate for a
    job (in the file or already); a ``job_reference`` names a live job of the company
    (and the same as ``job_id`` if both are given). Completes each row's ``job_id`` (from
    its reference), ``candidate_id`` (None: a new
    account) and ``revive`` (an account an import's undo soft-deleted)."""
    problems: dict[int, dict[str, list[str]]] = {}
    refs = sorted({row["job_reference"] for row in rows if row.get("job_reference")})
    by_reference = jobs.jobs_by_reference(company_id=company_id, refs=refs) if refs else {}
    named = {row["job_id"] for row in rows if row.get("job_id") is not None}
    live_jobs = _live_jobs(company_id, sorted(named | set(by_reference.values())))
    accounts = users.imported_candidates(emails=sorted({row["candidate_email"] for row in rows}))
    candidate_ids = sorted({found[0] for found in accounts.values() if found[2] == "live"})
    active = _active_pairs(company_id, candidate_ids)
    in_file: set[tuple[str, int]] = set()
    for index, row in enumerate(rows):
        found: dict[str, list[str]] = {}
        email = row["candidate_email"]
        account = accounts.get(email)
        row["candidate_id"] = row["revive"] = None
        _check_job_link(row, found, live_jobs, by_reference)
        if account is None or account[2] == "undone":
            if not row.get("candidate_name"):
                found["candidate_name"] = ["Required for an address without an account."]
            if account is not None:
                row["revive"] = account[0]
        elif account[1] != Role.CANDIDATE or account[2] != "live":
            found["candidate_email"] = ["Not the address of a candidate account."]
        else:
            row["candidate_id"] = account[0]
        if row["status"] in ACTIVE_STATUSES:
            pair = (email, row["job_id"])
            if pair in in_file or (account and (account[0], row["job_id"]) in active):
                found["job_id"] = ["The candidate already has an active application for it."]
            in_file.add(pair)
        if found:
            problems[index] = found
    return problems


def import_applications(
    *,
    company_id: int,
    import_id: int,
    rows: list[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert rows ``check_import_rows`` passed, set-based: the accounts of new addresses
    (no password, no mail), the applications (source ``import``), their recorded moves
    and the jobs' counts, in multi-row statements (never one per row). No notification,
    webhook or match scoring: an import is the record of what happened elsewhere. On
    PostgreSQL the applications and moves go in by COPY and ``INSERT … SELECT``."""
    if not rows:
        return 0
    now = utcnow()
    new_accounts: dict[str, str] = {}
    revive: list[int] = []
    for row in rows:
        if row["revive"] is not None:
            revive.append(row["revive"])
        elif row["candidate_id"] is None:
            new_accounts.setdefault(row["candidate_email"], row["candidate_name"])
    created = users.create_imported_candidates(
        accounts=new_accounts, revive=sorted(set(revive)), import_id=import_id
    )
    values = [_imported_values(row, created, company_id, import_id, now) for row in rows]
    if db.session.get_bind().dialect.name == "postgresql":
        done = _copy_applications(values, rows, company_id=company_id, progress=progress)
    else:
        done = _insert_applications(values, rows, progress=progress)
    _adjust_counts(Counter(row["job_id"] for row in rows))
    return done


def _insert_applications(
    values: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    *,
    progress: Callable[[int], None] | None,
) -> int:
    """Multi-row INSERTs … RETURNING (SQLite): the applications, then their moves."""
    table, events = Application.__table__, ApplicationEvent.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    done = 0
    step = current_app.config["IMPORT_PROGRESS_ROWS"]
    for start in range(0, len(rows), step):
        ids = list(db.session.execute(statement, values[start : start + step]).scalars())
        db.session.execute(insert(events), _imported_moves(ids, rows[start : start + step]))
        done += len(ids)
        if progress is not None:
            progress(done)
    return done


def _copy_applications(
    values: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    *,
    company_id: int,
    progress: Callable[[int], None] | None,
) -> int:
    """PostgreSQL: the ids drawn from the sequence at once, so the moves know theirs; the
    applications and their moves COPYed into two staging tables (``jobhub.staging``) and
    merged by one ``INSERT … SELECT`` each, without per-row foreign-key checks when
    ``staging.references_held`` may (the company, the jobs and the candidates locked in
    one statement each; the moves' applications are this transaction's)."""
    from psycopg import sql  # only on PostgreSQL, whose driver is loaded by then

    table, events = Application.__table__, ApplicationEvent.__table__
    with staging.driver_connection().cursor() as cursor:
        ids = _drawn_ids(cursor, values)
        moves = _imported_moves(ids, rows)
        columns = list(values[0])
        staging.copy_to_stage(
            cursor,
            table=table,
            stage=_APPLICATIONS_STAGE,
            columns=columns,
            rows=values,
            progress=progress,
        )
        event_columns = list(moves[0])
        staging.copy_to_stage(
            cursor, table=events, stage=_EVENTS_STAGE, columns=event_columns, rows=moves
        )
        locks = [
            ("companies", [company_id]),
            ("jobs", [value["job_id"] for value in values]),
            ("users", [value["candidate_id"] for value in values]),
        ]
        merge = sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}")
        with staging.references_held(cursor, locks):
            for target, stage, names in (
                (table, _APPLICATIONS_STAGE, columns),
                (events, _EVENTS_STAGE, event_columns),
            ):
                listed = sql.SQL(", ").join(sql.Identifier(name) for name in names)
                cursor.execute(
                    merge.format(sql.Identifier(target.name), listed, listed, sql.Identifier(stage))
                )
        for stage in (_APPLICATIONS_STAGE, _EVENTS_STAGE):
            cursor.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(stage)))
    return len(ids)


def _drawn_ids(cursor: Any, values: list[dict[str, Any]]) -> list[int]:
    """Ids for the rows from the applications' sequence, one statement; set on them."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence('applications', 'id')) FROM generate_series(1, %s)",
        (len(values),),
    )
    ids = [found for (found,) in cursor.fetchall()]
    for value, application_id in zip(values, ids, strict=True):
        value["id"] = application_id
    return ids


_APPLICATIONS_STAGE = "import_applications_stage"
_EVENTS_STAGE = "import_application_events_stage"


def _imported_moves(ids: list[int], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recorded moves of inserted applications (``ids``, in the rows' order)."""
    return [
        {
            "application_id": application_id,
            "from_status": before,
            "to_status": after,
            "actor_id": None,
            "actor_side": side,
            "note": None,
            "reason": row.get("rejection_reason") if after == ApplicationStatus.REJECTED else None,
            "created_at": at,
        }
        for application_id, row in zip(ids, rows, strict=True)
        for before, after, at, side in row["moves"]
    ]


def _imported_values(
    row: dict[str, Any], created: dict[str, int], company_id: int, import_id: int, now: datetime
) -> dict[str, Any]:
    candidate_id = row["candidate_id"] or row["revive"] or created[row["candidate_email"]]
    return {
        "job_id": row["job_id"],
        "company_id": company_id,
        "candidate_id": candidate_id,
        "resume_id": None,
        "cover_letter": row.get("cover_letter"),
        "source": ApplicationSource.IMPORT,
        "status": row["status"],
        "rejection_reason": row.get("rejection_reason"),
        "status_changed_at": row["status_changed_at"],
        "match_score": None,
        "match_explanation": None,
        "anonymized_at": None,
        "import_id": import_id,
        "deleted_at": None,
        "created_at": row["created_at"],
        "updated_at": now,
    }


def _adjust_counts(counts: Counter[int]) -> None:
    """Every job's ``applications_count`` moved by its delta: one executemany."""
    if not counts:
        return
    table = Job.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("counted_job"))
        .values(applications_count=table.c.applications_count + bindparam("delta")),
        [{"counted_job": job_id, "delta": delta} for job_id, delta in counts.items()],
    )


def undo_import(*, import_id: int) -> dict[str, int]:
    """Soft-delete the live applications an import created, and the accounts it created
    that have nothing else (no other live application, never signed in, no password)."""
    live = (Application.import_id == import_id, Application.live())
    rows = db.session.execute(select(Application.job_id, Application.candidate_id).where(*live))
    counts: Counter[int] = Counter()
    candidates: set[int] = set()
    for job_id, candidate_id in rows:
        counts[job_id] -= 1
        candidates.add(candidate_id)
    result = db.session.execute(
        update(Application)
        .where(*live)
        .values(deleted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    _adjust_counts(counts)
    busy: set[int] = set()
    ordered = sorted(candidates)
    for start in range(0, len(ordered), _IMPORT_CHUNK):
        chunk = ordered[start : start + _IMPORT_CHUNK]
        busy.update(
            db.session.scalars(
                select(Application.candidate_id)
                .where(Application.candidate_id.in_(chunk), Application.live())
                .distinct()
            )
        )
    accounts = users.remove_imported_candidates(
        import_id=import_id, user_ids=sorted(candidates - busy)
    )
    return {"applications": result.rowcount, "accounts": accounts}
