"""Calendar invites for interviews, mailed through the mail service after the commit.

Every copy of an interview's event has the same UID (``interview_uid``) and the
interview's current SEQUENCE, so a reschedule updates the event in every calendar and a
cancel removes it. The ORGANIZER is the platform's sending address on the company's
behalf, so it stays the same whoever on the team changes the interview. The candidate's
copy lists only the candidate as attendee: interviewers' addresses stay with the company.
Mail goes to verified addresses of active accounts only (as notification mail does).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr

from flask import current_app

from jobhub.applications.interviews.models import Interview
from jobhub.applications.models import Application
from jobhub.applications.services import DELETED_CANDIDATE, candidate_name
from jobhub.jobs.models import Job
from jobhub.mail.calendar import Attendee, Invite, interview_uid, render
from jobhub.mail.services import send_mail
from jobhub.users.models import User

TEMPLATE = "interview_invite"
_SUBJECTS = {
    "scheduled": "Interview invitation",
    "updated": "Interview updated",
    "cancelled": "Interview cancelled",
}


def mailable(user: User) -> bool:
    """Only verified addresses of active accounts get mail."""
    return user.is_active and user.deleted_at is None and user.email_verified


def _sender() -> tuple[str, str]:
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return name or "JobHub", address or "no-reply@jobhub.local"


def _invite(
    interview: Interview, job: Job, attendees: tuple[Attendee, ...], description: str
) -> Invite:
    sender_name, sender_address = _sender()
    return Invite(
        uid=interview_uid(interview.id, sender_address.rpartition("@")[2] or "jobhub"),
        sequence=interview.sequence,
        starts_at=interview.starts_at,
        duration_minutes=interview.duration_minutes,
        summary=f"Interview: {job.title} at {job.company_name}",
        description=description,
        location=interview.location or "",
        organizer=Attendee(sender_address, f"{job.company_name} via {sender_name}"),
        attendees=attendees,
    )


def send_invites(
    *,
    interview: Interview,
    application: Application,
    job: Job,
    candidate: User,
    team: Iterable[User],
    interviewers: Iterable[User],
    action: str,
    to_candidate: bool = True,
) -> int:
    """Mail ``action`` (scheduled, updated, cancelled) to the candidate and the team.

    ``team`` are the company's people who get the full copy (interviewers and the
    organiser); ``interviewers`` are listed as attendees in it. An anonymised
    application (the candidate deleted their account) mails and names only the team.
    ``to_candidate`` False leaves the candidate out (a change only the team's copy
    shows). Returns the number of mails queued.
    """
    cancel = action == "cancelled"
    sent = 0
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    kind = interview.kind.value
    name = candidate_name(application, candidate)
    anonymous = name == DELETED_CANDIDATE
    if to_candidate and not anonymous and mailable(candidate):
        copy = _invite(
            interview,
            job,
            (Attendee(candidate.email, candidate.full_name),),
            f"{kind.capitalize()} interview with {job.company_name} for {job.title}.",
        )
        _mail(candidate, interview, job, render(copy, cancel=cancel), action, for_candidate=True)
        sent += 1
    people = {user.id: user for user in team}
    listed = tuple(Attendee(user.email, user.full_name) for user in interviewers)
    candidates = () if anonymous else (Attendee(candidate.email, candidate.full_name),)
    full = _invite(
        interview,
        job,
        (*candidates, *listed),
        f"{kind.capitalize()} interview with {name} for {job.title}.\n"
        f"Application: {base_url}/applications/{application.id}",
    )
    ics = render(full, cancel=cancel)
    for user in people.values():
        if mailable(user):
            _mail(user, interview, job, ics, action, for_candidate=False)
            sent += 1
    return sent


def send_cancellations(
    *, interview: Interview, job: Job, candidate: User, people: Iterable[User]
) -> None:
    """A CANCEL for people taken off an interview that goes ahead without them."""
    copy = _invite(interview, job, (), f"You are no longer on this interview for {job.title}.")
    ics = render(copy, cancel=True)
    for user in people:
        if mailable(user):
            _mail(user, interview, job, ics, "cancelled", for_candidate=False)


def _mail(
    user: User, interview: Interview, job: Job, ics: str, action: str, *, for_candidate: bool
) -> None:
    method = "CANCEL" if action == "cancelled" else "REQUEST"
    send_mail(
        to=user.email,
        subject=f"{_SUBJECTS[action]}: {job.title} at {job.company_name}",
        template=TEMPLATE,
        context={
            "full_name": user.full_name,
            "action": action,
            "for_candidate": for_candidate,
            "job_title": job.title,
            "company_name": job.company_name,
            "starts_at": interview.starts_at.strftime("%A %d %B %Y, %H:%M UTC"),
            "duration_minutes": interview.duration_minutes,
            "kind": interview.kind.value,
            "location": interview.location or "",
        },
        attachments=[("invite.ics", f"text/calendar; method={method}", ics)],
    )
