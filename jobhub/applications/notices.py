"""The notifications the pipeline raises, through the notifications service.

What reaches a candidate never carries an employer's note, a rejection reason or
feedback: titles, bodies and ``data`` name the job, the company and the status only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobhub.applications.models import Application, ApplicationEvent, Interview, ReminderKind
from jobhub.applications.pipeline import ApplicationStatus, Side
from jobhub.companies import services as companies
from jobhub.jobs.models import Job
from jobhub.notifications import services as notifications
from jobhub.users.models import User

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


def _application_data(application: Application, job: Job) -> dict[str, Any]:
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
    for member in companies.member_users(company_id=job.company_id):
        notifications.notify(
            user=member,
            type="application.received",
            title=f"New application for {job.title}",
            body=f"{name} applied to {job.title}.",
            data=_application_data(application, job),
        )


def status_changed(
    *, application: Application, job: Job, candidate: User, event: ApplicationEvent
) -> None:
    """An employer's move tells the candidate; a candidate's move tells the members."""
    data = {
        **_application_data(application, job),
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
    for member in companies.member_users(company_id=job.company_id):
        notifications.notify(
            user=member,
            type="application.status_changed",
            title=f"{name} {phrase} {job.title}",
            body=body,
            data=data,
        )


def _when(moment: datetime) -> str:
    return moment.strftime("%a %d %b %Y, %H:%M UTC")


def interview_data(interview: Interview, application: Application, job: Job) -> dict[str, Any]:
    """What a notification about an interview names: never interviewers or feedback."""
    return {
        **_application_data(application, job),
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
        title=f"Interview for {job.title}: {_when(interview.starts_at)}",
        body=(
            f"{job.company_name} invited you to a {interview.kind.value} interview for "
            f"{job.title} on {_when(interview.starts_at)} ({interview.duration_minutes} min)."
            + (f"\nWhere: {interview.location}" if interview.location else "")
        ),
        data=interview_data(interview, application, job),
    )


def interview_updated(
    *, interview: Interview, application: Application, job: Job, candidate: User, change: str
) -> None:
    """``interview.updated`` to the candidate: ``change`` is rescheduled or cancelled."""
    if change == "cancelled":
        title = f"Interview for {job.title} cancelled"
        body = f"{job.company_name} cancelled the interview of {_when(interview.starts_at)}."
    else:
        title = f"Interview for {job.title} updated: {_when(interview.starts_at)}"
        body = (
            f"Your {interview.kind.value} interview for {job.title} is now on "
            f"{_when(interview.starts_at)} ({interview.duration_minutes} min)."
            + (f"\nWhere: {interview.location}" if interview.location else "")
        )
    notifications.notify(
        user=candidate,
        type="interview.updated",
        title=title,
        body=body,
        data={**interview_data(interview, application, job), "change": change},
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
                f"starts {_when(interview.starts_at)}."
                + (f"\nWhere: {interview.location}" if interview.location else "")
            ),
            data=data,
        )
