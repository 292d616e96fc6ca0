"""The one place an application's status changes: checked, locked, recorded, counted.

``jobs.applications_count`` counts a job's applications that were not withdrawn (rejected
and hired ones included): applying adds one, withdrawing takes one away, both as SQL
increments in the mover's transaction.
"""

from __future__ import annotations

from sqlalchemy import update

from jobhub.applications.models import Application, ApplicationEvent
from jobhub.applications.pipeline import (
    ApplicationStatus,
    RejectionReason,
    Side,
    describe_refusal,
    is_allowed,
)
from jobhub.db import db, utcnow
from jobhub.errors import InvalidTransition
from jobhub.jobs.models import Job
from jobhub.users.models import User


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
    db.session.flush()
    return event
