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

from typing import Any

from flask import current_app
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from jobhub import bulk, signals
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
from jobhub.users.models import User

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
