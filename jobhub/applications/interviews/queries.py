"""Reading interviews: an application's, one visible to the caller, and their feedback."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from jobhub.applications.interviews.models import (
    Interview,
    InterviewFeedback,
    InterviewInterviewer,
)
from jobhub.applications.models import Application
from jobhub.applications.queries import visible_applications_query
from jobhub.db import db
from jobhub.errors import NotFound
from jobhub.users.models import User


def with_people() -> tuple[Any, ...]:
    """Loader options: the organiser and the interviewers, in two queries at most."""
    return (
        joinedload(Interview.organizer),
        selectinload(Interview.interviewer_rows).joinedload(InterviewInterviewer.user),
    )


def interviews_query(*, application: Application) -> Select[tuple[Interview]]:
    """The application's interviews in time order, with organiser and interviewers."""
    return (
        select(Interview)
        .options(*with_people())
        .where(Interview.application_id == application.id)
        .order_by(Interview.starts_at, Interview.id)
    )


def get_visible_interview(*, actor: User, interview_id: int) -> tuple[Interview, Application]:
    """The interview and its application if ``actor`` may see the application; else 404."""
    row = db.session.execute(
        select(Interview, Application)
        .join(Application, Application.id == Interview.application_id)
        .where(
            Interview.id == interview_id,
            Application.id.in_(visible_applications_query(actor).with_only_columns(Application.id)),
        )
        .options(*with_people(), joinedload(Application.job), joinedload(Application.candidate))
    ).first()
    if row is None:
        raise NotFound("No such interview.")
    return row[0], row[1]


def feedback_query(*, interview: Interview) -> Select[tuple[InterviewFeedback]]:
    """The interview's feedback, oldest first, with authors."""
    return (
        select(InterviewFeedback)
        .options(joinedload(InterviewFeedback.author))
        .where(InterviewFeedback.interview_id == interview.id)
        .order_by(InterviewFeedback.id)
    )


def get_feedback(*, interview: Interview, feedback_id: int) -> InterviewFeedback:
    """One piece of the interview's feedback, or 404."""
    feedback = db.session.scalar(
        feedback_query(interview=interview).where(InterviewFeedback.id == feedback_id)
    )
    if feedback is None:
        raise NotFound("No such feedback.")
    return feedback
