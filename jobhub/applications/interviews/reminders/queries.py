"""The due, unclaimed interview reminders, as an ``INSERT … SELECT`` source."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, String, and_, cast, exists, literal, select

from jobhub.applications.interviews.models import (
    Interview,
    InterviewReminder,
    InterviewStatus,
    ReminderKind,
)
from jobhub.applications.models import ACTIVE_STATUSES, FINAL_STATUSES, Application
from jobhub.db import UtcDateTime

_OPEN = ACTIVE_STATUSES - FINAL_STATUSES


def due(kind: ReminderKind, now: datetime, limit: int) -> Select:
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
            Application.live(),
            ~claimed,
        )
        .order_by(Interview.starts_at, Interview.id)
        .limit(limit)
    )
