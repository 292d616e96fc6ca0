"""Application services: apply, read, move through the pipeline, history, notes, lists.

Interviews and feedback are in ``jobhub.applications.interviews``; the status machine
itself is ``pipeline.TRANSITIONS``, enforced by ``transitions.move``.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Connection, Select, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from jobhub import signals
from jobhub.applications import interviews, notices, transitions
from jobhub.applications.models import Application, ApplicationEvent, ApplicationNote
from jobhub.applications.pipeline import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    ApplicationSource,
    ApplicationStatus,
    RejectionReason,
    Side,
)
from jobhub.applications.queries import visible_applications_query
from jobhub.companies import services as companies
from jobhub.db import db, utcnow
from jobhub.errors import Duplicate, NotFound, ValidationError
from jobhub.jobs import services as jobs
from jobhub.notifications import services as notifications
from jobhub.resumes import services as resumes
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
    if _has_active_application(candidate_id=actor.id, job_id=job.id):
        raise Duplicate(_DUPLICATE)
    now = utcnow()
    application = Application(
        job_id=job.id,
        company_id=job.company_id,
        candidate_id=actor.id,
        resume_id=resume_id,
        cover_letter=cover_letter,
        source=source,
        status=ApplicationStatus.APPLIED,
        status_changed_at=now,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        raise Duplicate(_DUPLICATE) from None
    transitions.record(
        application=application,
        actor=actor,
        side=Side.CANDIDATE,
        from_status=None,
        to_status=ApplicationStatus.APPLIED,
    )
    transitions.adjust_applications_count(job_id=job.id, delta=1)
    db.session.flush()
    application.job = job
    application.candidate = actor
    notices.application_received(application=application, job=job, candidate=actor)
    signals.application_submitted.send(current_app._get_current_object(), application=application)
    return application


def _check_resume(*, actor: User, resume_id: int) -> None:
    """The resume must be one of the applicant's own (another's is as good as missing)."""
    resume = resumes.get_resume(resume_id=resume_id)
    if resume is None or resume.user_id != actor.id:
        raise ValidationError(
            "Apply with one of your own resumes.",
            errors={"json": {"resume_id": ["No such resume among yours."]}},
        )


def _has_active_application(*, candidate_id: int, job_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.candidate_id == candidate_id,
                    Application.job_id == job_id,
                    Application.status.in_(ACTIVE_STATUSES),
                )
            )
        )
    )


# -- reading -----------------------------------------------------------------------------


def get_visible_application(*, actor: User, application_id: int) -> Application:
    """The application with its job and candidate if ``actor`` may see it; else 404."""
    application = db.session.scalar(
        visible_applications_query(actor)
        .where(Application.id == application_id)
        .options(joinedload(Application.job), joinedload(Application.candidate))
    )
    if application is None:
        raise NotFound("No such application.")
    return application


def list_query(
    *,
    actor: User,
    status: ApplicationStatus | None = None,
    job_id: int | None = None,
    sort: str = "newest",
) -> Select[tuple[Application]]:
    """The caller's visible applications, filtered, with job and candidate in one query.

    ``sort=match`` orders by ``match_score`` (highest first, not yet computed last).
    """
    query = visible_applications_query(actor).options(
        joinedload(Application.job), joinedload(Application.candidate)
    )
    if status is not None:
        query = query.where(Application.status == status)
    if job_id is not None:
        query = query.where(Application.job_id == job_id)
    newest = (Application.created_at.desc(), Application.id.desc())
    if sort == "match":
        return query.order_by(Application.match_score.desc().nulls_last(), *newest)
    return query.order_by(*newest)


def history_query(*, application: Application) -> Select[tuple[ApplicationEvent]]:
    """The application's recorded moves, oldest first, with their actors."""
    return (
        select(ApplicationEvent)
        .options(joinedload(ApplicationEvent.actor))
        .where(ApplicationEvent.application_id == application.id)
        .order_by(ApplicationEvent.id)
    )


def resume_sent_to_company_of(*, resume_id: int, member_id: int) -> bool:
    """Whether the resume came with an application to a company the member acts for."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.resume_id == resume_id,
                    Application.company_id.in_(companies.member_company_ids(user_id=member_id)),
                )
            )
        )
    )


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


def applied_to_company_of(*, candidate_id: int, member_id: int) -> bool:
    """Whether the candidate applied to a job of a company the member acts for."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.candidate_id == candidate_id,
                    Application.company_id.in_(companies.member_company_ids(user_id=member_id)),
                )
            )
        )
    )


# -- moving ------------------------------------------------------------------------------


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
    event = transitions.move(
        application=application, actor=actor, side=side, target=target, note=note, reason=reason
    )
    if target in FINAL_STATUSES:
        interviews.cancel_upcoming(application=application)
    notices.status_changed(
        application=application, job=application.job, candidate=application.candidate, event=event
    )
    return application


# -- notes -------------------------------------------------------------------------------


def notes_query(*, application: Application) -> Select[tuple[ApplicationNote]]:
    """The company's private notes on the application, oldest first."""
    return (
        select(ApplicationNote)
        .options(joinedload(ApplicationNote.author))
        .where(ApplicationNote.application_id == application.id)
        .order_by(ApplicationNote.id)
    )


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
        if application.status not in OPEN_STATUSES:
            continue
        event = transitions.move(
            application=application,
            actor=user,
            side=Side.CANDIDATE,
            target=ApplicationStatus.WITHDRAWN,
            note=DELETION_NOTE,
        )
        interviews.cancel_upcoming(application=application)
        notices.status_changed(
            application=application, job=application.job, candidate=user, event=event
        )
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
        replacement=notices.DELETED_CANDIDATE,
    )
