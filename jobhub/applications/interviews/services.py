"""Interviews (schedule, reschedule, cancel) and the company's feedback on them.

Interviews are scheduled while an application is in ``screening`` or ``interviewing``;
scheduling the first one of a ``screening`` application moves it to ``interviewing``
(a recorded move by the scheduling member). Every change raises the iCalendar SEQUENCE
and mails the invite (REQUEST, or CANCEL) to the candidate and the team.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jobhub import signals
from jobhub.applications import services as applications
from jobhub.applications.interviews.invites import services as invites
from jobhub.applications.interviews.models import (
    Interview,
    InterviewFeedback,
    InterviewInterviewer,
    InterviewKind,
    InterviewStatus,
)
from jobhub.applications.interviews.queries import interviews_query
from jobhub.applications.models import FINAL_STATUSES, Application, ApplicationStatus, Side
from jobhub.companies import services as companies
from jobhub.db import db, utcnow
from jobhub.errors import Conflict, Duplicate, ValidationError
from jobhub.jobs.models import Job
from jobhub.notifications import services as notifications
from jobhub.users.models import User

SCHEDULABLE = frozenset({ApplicationStatus.SCREENING, ApplicationStatus.INTERVIEWING})
# Where to meet is part of the invite for these; a phone interview may do without.
NEEDS_LOCATION = frozenset({InterviewKind.VIDEO, InterviewKind.ONSITE})
SCHEDULE_FIELDS = ("starts_at", "duration_minutes", "kind", "location")


# -- scheduling --------------------------------------------------------------------------


def _check_schedule(values: dict[str, Any], *, now: datetime, starts_changed: bool) -> None:
    errors: dict[str, list[str]] = {}
    if starts_changed and values["starts_at"] <= now:
        errors["starts_at"] = ["Must be in the future."]
    if values["kind"] in NEEDS_LOCATION and not values.get("location"):
        errors["location"] = [f"Required for a {values['kind'].value} interview."]
    if errors:
        raise ValidationError(errors={"json": errors})


def _interviewers(*, application: Application, user_ids: Iterable[int]) -> list[User]:
    """The members named, in the order given; anyone else is 422 naming the ids."""
    wanted = list(dict.fromkeys(user_ids))
    members = {user.id: user for user in companies.member_users(company_id=application.company_id)}
    strangers = [user_id for user_id in wanted if user_id not in members]
    if strangers:
        listed = ", ".join(str(user_id) for user_id in strangers)
        raise ValidationError(
            "Interviewers must be members of the job's company.",
            errors={"json": {"interviewer_ids": [f"Not members of the company: {listed}."]}},
        )
    return [members[user_id] for user_id in wanted]


def _notice_minutes(starts_at: datetime, now: datetime) -> int:
    return max(0, int((starts_at - now).total_seconds() // 60))


def _team(interview: Interview) -> list[User]:
    """Who gets the company's copy of the invite: the interviewers and the organiser."""
    people = {row.user.id: row.user for row in interview.interviewer_rows}
    if interview.organizer is not None:
        people.setdefault(interview.organizer.id, interview.organizer)
    return list(people.values())


def _interviewer_users(interview: Interview) -> list[User]:
    return [row.user for row in interview.interviewer_rows]


def _mail(
    interview: Interview, application: Application, action: str, *, to_candidate: bool = True
) -> None:
    invites.send_invites(
        interview=interview,
        application=application,
        job=application.job,
        candidate=application.candidate,
        team=_team(interview),
        interviewers=_interviewer_users(interview),
        action=action,
        to_candidate=to_candidate,
    )


def schedule(*, application: Application, actor: User, data: dict[str, Any]) -> Interview:
    """Schedule an interview; invites go to both sides and the candidate is notified.

    ``interviewer_ids`` default to the scheduling member.
    """
    status = applications.lock(application)
    if status not in SCHEDULABLE:
        raise Conflict(
            "Interviews are scheduled for applications in screening or interviewing; "
            f"this one is {status.value}."
        )
    now = utcnow()
    values = {field: data.get(field) for field in SCHEDULE_FIELDS}
    _check_schedule(values, now=now, starts_changed=True)
    people = _interviewers(application=application, user_ids=data.get("interviewer_ids") or [])
    if not data.get("interviewer_ids"):
        people = [actor]
    interview = Interview(
        application_id=application.id,
        organizer=actor,
        status=InterviewStatus.SCHEDULED,
        sequence=0,
        notice_minutes=_notice_minutes(values["starts_at"], now),
        interviewer_rows=[InterviewInterviewer(user_id=user.id, user=user) for user in people],
        created_at=now,
        updated_at=now,
        **values,
    )
    db.session.add(interview)
    db.session.flush()
    if status == ApplicationStatus.SCREENING:
        applications.change_status(
            application=application,
            actor=actor,
            side=Side.EMPLOYER,
            target=ApplicationStatus.INTERVIEWING,
        )
    interview_scheduled(
        interview=interview,
        application=application,
        job=application.job,
        candidate=application.candidate,
    )
    _mail(interview, application, "scheduled")
    _changed(interview, application, "scheduled")
    return interview


def _changeable(interview: Interview, application: Application) -> None:
    if interview.status == InterviewStatus.CANCELLED:
        raise Conflict("This interview was cancelled; schedule a new one instead.")
    if application.status in FINAL_STATUSES:
        raise Conflict(f"The application is {application.status.value}; its interviews are over.")


def reschedule(
    *, interview: Interview, application: Application, changes: dict[str, Any]
) -> Interview:
    """Change time, length, kind, place or interviewers: one more SEQUENCE, same UID.

    Interviewers taken off get a CANCEL; a change that changes nothing sends nothing.
    """
    applications.lock(application)
    _changeable(interview, application)
    now = utcnow()
    values = {field: changes.get(field, getattr(interview, field)) for field in SCHEDULE_FIELDS}
    starts_changed = values["starts_at"] != interview.starts_at
    _check_schedule(values, now=now, starts_changed=starts_changed)
    changed = [field for field in SCHEDULE_FIELDS if values[field] != getattr(interview, field)]
    removed = _change_interviewers(interview, application, changes)
    if removed is not None:
        changed.append("interviewer_ids")
    if not changed:
        return interview
    for field in SCHEDULE_FIELDS:
        setattr(interview, field, values[field])
    if starts_changed:
        interview.notice_minutes = _notice_minutes(values["starts_at"], now)
    interview.sequence += 1
    interview.updated_at = now
    db.session.flush()
    # The candidate's copy lists no interviewers: a change of interviewers is not news.
    news_for_candidate = bool(set(changed) & set(SCHEDULE_FIELDS))
    if news_for_candidate:
        interview_updated(
            interview=interview,
            application=application,
            job=application.job,
            candidate=application.candidate,
            change="rescheduled",
        )
    _mail(interview, application, "updated", to_candidate=news_for_candidate)
    _changed(interview, application, "updated")
    if removed:
        invites.send_cancellations(
            interview=interview,
            job=application.job,
            candidate=application.candidate,
            people=removed,
        )
    return interview


def _change_interviewers(
    interview: Interview, application: Application, changes: dict[str, Any]
) -> list[User] | None:
    """Apply a new ``interviewer_ids``; the people taken off, or None when nothing changed.

    Kept interviewers keep their row (same key); new ones get one.
    """
    if "interviewer_ids" not in changes:
        return None
    people = _interviewers(application=application, user_ids=changes["interviewer_ids"])
    rows = {row.user_id: row for row in interview.interviewer_rows}
    if {user.id for user in people} == set(rows):
        return None
    wanted = {user.id for user in people}
    interview.interviewer_rows = [
        rows.get(user.id) or InterviewInterviewer(user_id=user.id, user=user) for user in people
    ]
    return [row.user for user_id, row in rows.items() if user_id not in wanted]


def cancel(*, interview: Interview, application: Application, notify: bool = True) -> None:
    """Cancel an interview: a CANCEL invite to everyone (a second cancel does nothing)."""
    if interview.status == InterviewStatus.CANCELLED:
        return
    now = utcnow()
    interview.status = InterviewStatus.CANCELLED
    interview.cancelled_at = now
    interview.updated_at = now
    interview.sequence += 1
    db.session.flush()
    if notify:
        interview_updated(
            interview=interview,
            application=application,
            job=application.job,
            candidate=application.candidate,
            change="cancelled",
        )
    _mail(interview, application, "cancelled")
    _changed(interview, application, "cancelled")


def _changed(interview: Interview, application: Application, change: str) -> None:
    """Tell other domains (webhooks) that the interview was scheduled, updated or cancelled."""
    signals.interview_changed.send(
        current_app._get_current_object(),
        interview=interview,
        application=application,
        change=change,
    )


def cancel_upcoming(*, application: Application) -> int:
    """An application that reached a final status keeps no upcoming interview.

    The CANCEL invites go out; the candidate hears of the status change instead of a
    separate interview notification.
    """
    upcoming = list(
        db.session.scalars(
            interviews_query(application=application).where(
                Interview.status == InterviewStatus.SCHEDULED, Interview.starts_at > utcnow()
            )
        )
    )
    for interview in upcoming:
        cancel(interview=interview, application=application, notify=False)
    return len(upcoming)


# -- notifications ---------------------------------------------------------------------


def when(moment: datetime) -> str:
    return moment.strftime("%a %d %b %Y, %H:%M UTC")


def where(interview: Interview) -> str:
    """The line naming the place, for a notification's body (none for a phone call)."""
    return f"\nWhere: {interview.location}" if interview.location else ""


def interview_data(interview: Interview, application: Application, job: Job) -> dict[str, Any]:
    """What a notification about an interview names: never interviewers or feedback."""
    return {
        **applications.application_data(application, job),
        "interview_id": interview.id,
        "starts_at": interview.starts_at.isoformat().replace("+00:00", "Z"),
        "duration_minutes": interview.duration_minutes,
        "kind": interview.kind.value,
        "location": interview.location,
        "status": interview.status.value,
    }


def interview_scheduled(
    *, interview: Interview, application: Application, job: Job, candidate: User
) -> None:
    """``interview.scheduled`` to the candidate."""
    notifications.notify(
        user=candidate,
        type="interview.scheduled",
        title=f"Interview for {job.title}: {when(interview.starts_at)}",
        body=(
            f"{job.company_name} invited you to a {interview.kind.value} interview for "
            f"{job.title} on {when(interview.starts_at)} ({interview.duration_minutes} min)."
            + where(interview)
        ),
        data=interview_data(interview, application, job),
    )


def interview_updated(
    *, interview: Interview, application: Application, job: Job, candidate: User, change: str
) -> None:
    """``interview.updated`` to the candidate: ``change`` is rescheduled or cancelled."""
    if change == "cancelled":
        title = f"Interview for {job.title} cancelled"
        body = f"{job.company_name} cancelled the interview of {when(interview.starts_at)}."
    else:
        title = f"Interview for {job.title} updated: {when(interview.starts_at)}"
        body = (
            f"Your {interview.kind.value} interview for {job.title} is now on "
            f"{when(interview.starts_at)} ({interview.duration_minutes} min)." + where(interview)
        )
    notifications.notify(
        user=candidate,
        type="interview.updated",
        title=title,
        body=body,
        data={**interview_data(interview, application, job), "change": change},
    )


# -- feedback ----------------------------------------------------------------------------

_ALREADY = "You already gave feedback on this interview; PATCH it to change it."


def give_feedback(*, interview: Interview, author: User, data: dict[str, Any]) -> InterviewFeedback:
    """One member's feedback on one interview; a second is 409 ``duplicate``."""
    if interview.status == InterviewStatus.CANCELLED:
        raise Conflict("This interview was cancelled; there is nothing to give feedback on.")
    already = db.session.scalar(
        select(InterviewFeedback.id).where(
            InterviewFeedback.interview_id == interview.id, InterviewFeedback.author_id == author.id
        )
    )
    if already is not None:
        raise Duplicate(_ALREADY)
    now = utcnow()
    feedback = InterviewFeedback(
        interview_id=interview.id,
        author_id=author.id,
        rating=data["rating"],
        recommendation=data["recommendation"],
        notes=data.get("notes"),
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
            db.session.flush()
    except IntegrityError:
        raise Duplicate(_ALREADY) from None
    feedback.author = author
    return feedback


def update_feedback(*, feedback: InterviewFeedback, changes: dict[str, Any]) -> InterviewFeedback:
    """Amend one's own feedback."""
    for field in ("rating", "recommendation", "notes"):
        if field in changes:
            setattr(feedback, field, changes[field])
    feedback.updated_at = utcnow()
    db.session.flush()
    return feedback
