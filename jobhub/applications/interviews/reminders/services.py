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

from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, exists, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from jobhub.applications import notices
from jobhub.applications.interviews import with_people
from jobhub.applications.models import (
    Application,
    Interview,
    InterviewReminder,
    InterviewStatus,
    ReminderKind,
)
from jobhub.applications.pipeline import ACTIVE_STATUSES, FINAL_STATUSES
from jobhub.companies.models import CompanyMember
from jobhub.db import UtcDateTime, db, utcnow

BATCH_SIZE = 200
_OPEN = ACTIVE_STATUSES - FINAL_STATUSES


def _due(kind: ReminderKind, now: datetime, limit: int):
    """The (interview, kind, start, now) rows of due, unclaimed reminders of one kind."""
    until = now + kind.lead
    after = now + ReminderKind.HOUR.lead if kind is ReminderKind.DAY else now
    claimed = exists().where(
        InterviewReminder.interview_id == Interview.id,
        InterviewReminder.kind == kind,
        InterviewReminder.starts_at == Interview.starts_at,
    )
    kind_column = InterviewReminder.__table__.c.kind
    return (
        select(
            Interview.id,
            cast(literal(kind.value, String()), kind_column.type),
            Interview.starts_at,
            literal(now, UtcDateTime()),
        )
        .join(Application, Application.id == Interview.application_id)
        .where(
            Interview.status == InterviewStatus.SCHEDULED,
            and_(Interview.starts_at > after, Interview.starts_at <= until),
            Interview.notice_minutes >= int(kind.lead / timedelta(minutes=1)),
            Application.status.in_(_OPEN),
            ~claimed,
        )
        .order_by(Interview.starts_at, Interview.id)
        .limit(limit)
    )


def claim(*, kind: ReminderKind, now: datetime, limit: int) -> list[int]:
    """Record up to ``limit`` due reminders of ``kind``; returns the interviews newly claimed."""
    insert_ = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert_(InterviewReminder)
        .from_select(["interview_id", "kind", "starts_at", "sent_at"], _due(kind, now, limit))
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
        .where(Interview.id.in_(interview_ids))
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
        notices.interview_reminder(
            interview=interview,
            application=application,
            job=application.job,
            recipients=recipients,
            kind=kind,
        )
