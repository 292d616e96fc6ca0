"""Interview reminders, 24 hours and 1 hour before: each sent exactly once.

A reminder is claimed by inserting its key (interview, kind, start time) into
``interview_reminders`` with ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``, in
the same transaction as its notifications. Two beat runs racing insert the same keys:
the second waits for the first to commit and then inserts nothing, so it sends nothing;
a run that dies before its commit leaves neither a claim nor a notification, and the
next run sends it. A reschedule changes the start time, so the new time is reminded anew.

A reminder is due from ``lead`` before the start until the start (the 24-hour one until
the 1-hour one takes over), and only if the interview was set that long ahead: an
interview scheduled for tomorrow morning gets its 1-hour reminder, not a 24-hour one a
minute after the invitation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from jobhub.applications.interviews.models import Interview, InterviewReminder, ReminderKind
from jobhub.applications.interviews.queries import with_people
from jobhub.applications.interviews.reminders.queries import due
from jobhub.applications.interviews.services import interview_data, when, where
from jobhub.applications.models import Application
from jobhub.companies.models import CompanyMember
from jobhub.db import db, utcnow
from jobhub.jobs.models import Job
from jobhub.notifications import services as notifications
from jobhub.users.models import User

BATCH_SIZE = 200


def claim(*, kind: ReminderKind, now: datetime, limit: int) -> list[int]:
    """Record up to ``limit`` due reminders of ``kind``; returns the interviews newly claimed."""
    insert_ = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert_(InterviewReminder)
        .from_select(["interview_id", "kind", "starts_at", "sent_at"], due(kind, now, limit))
        .on_conflict_do_nothing()
        .returning(InterviewReminder.interview_id)
    )
    return list(db.session.scalars(statement))


def send_due(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> int:
    """Claim and notify one batch of due reminders (each kind); returns how many were sent.

    The caller commits: claims and notifications go together.
    """
    now = now or utcnow()
    sent = 0
    for kind in ReminderKind:
        interview_ids = claim(kind=kind, now=now, limit=limit)
        if interview_ids:
            _notify(interview_ids, kind)
            sent += len(interview_ids)
    return sent


def _notify(interview_ids: list[int], kind: ReminderKind) -> None:
    rows = db.session.execute(
        select(Interview, Application)
        .join(Application, Application.id == Interview.application_id)
        .where(Interview.id.in_(interview_ids), Application.live())
        .options(*with_people(), joinedload(Application.job), joinedload(Application.candidate))
        .order_by(Interview.id)
    ).all()
    company_ids = {application.company_id for _, application in rows}
    members = {
        (company_id, user_id)
        for company_id, user_id in db.session.execute(
            select(CompanyMember.company_id, CompanyMember.user_id).where(
                CompanyMember.company_id.in_(company_ids)
            )
        )
    }
    for interview, application in rows:
        recipients = [] if application.is_anonymized else [application.candidate]
        # Interviewers who left the company since are not reminded.
        recipients += [
            row.user
            for row in interview.interviewer_rows
            if (application.company_id, row.user_id) in members and row.user.deleted_at is None
        ]
        interview_reminder(
            interview=interview,
            application=application,
            job=application.job,
            recipients=recipients,
            kind=kind,
        )


def interview_reminder(
    *,
    interview: Interview,
    application: Application,
    job: Job,
    recipients: list[User],
    kind: ReminderKind,
) -> None:
    """``interview.reminder`` to the candidate and the interviewers."""
    lead = "tomorrow" if kind is ReminderKind.DAY else "in an hour"
    data = {**interview_data(interview, application, job), "reminder": kind.value}
    for user in recipients:
        notifications.notify(
            user=user,
            type="interview.reminder",
            title=f"Interview {lead}: {job.title}",
            body=(
                f"The {interview.kind.value} interview for {job.title} at {job.company_name} "
                f"starts {when(interview.starts_at)}." + where(interview)
            ),
            data=data,
        )
