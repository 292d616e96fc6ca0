"""Reading applications: which a caller may see (every read starts there), lists, history.

``visible_applications_query`` is the one visibility rule; anything outside it is 404.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, false, select
from sqlalchemy.orm import joinedload

from jobhub.applications.models import (
    ACTIVE_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplicationStatus,
)
from jobhub.companies import services as companies
from jobhub.db import db
from jobhub.errors import NotFound
from jobhub.jobs.models import Job
from jobhub.users.models import Role, User

# What ApplicationSchema shows of the job and the candidate (JobSummarySchema,
# CandidateField): not the job's description and search vector, nor the candidate's
# password hash and profile.
LISTED_JOB_COLUMNS = ("id", "title", "company_id", "company_name", "location", "status")
LISTED_CANDIDATE_COLUMNS = ("id", "full_name", "email", "headline", "location", "deleted_at")
LISTED = (
    joinedload(Application.job).load_only(
        *(getattr(Job, name) for name in LISTED_JOB_COLUMNS), raiseload=False
    ),
    joinedload(Application.candidate).load_only(
        *(getattr(User, name) for name in LISTED_CANDIDATE_COLUMNS), raiseload=False
    ),
)


def visible_applications_query(actor: User) -> Select[tuple[Application]]:
    """Candidates see their own; employers those to their companies' jobs; admins all.
    An application an import's undo soft-deleted is in no read."""
    query = select(Application).where(Application.live())
    if actor.role == Role.ADMIN:
        return query
    if actor.role == Role.EMPLOYER:
        return query.where(Application.company_id.in_(companies.acting_company_ids(actor=actor)))
    if actor.role == Role.CANDIDATE:
        return query.where(Application.candidate_id == actor.id)
    return query.where(false())


def has_active_application(*, candidate_id: int, job_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.candidate_id == candidate_id,
                    Application.job_id == job_id,
                    Application.status.in_(ACTIVE_STATUSES),
                    Application.live(),
                )
            )
        )
    )


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
    query = visible_applications_query(actor).options(*LISTED)
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


def notes_query(*, application: Application) -> Select[tuple[ApplicationNote]]:
    """The company's private notes on the application, oldest first."""
    return (
        select(ApplicationNote)
        .options(joinedload(ApplicationNote.author))
        .where(ApplicationNote.application_id == application.id)
        .order_by(ApplicationNote.id)
    )
