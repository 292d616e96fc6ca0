"""Domain events (jobhub.signals) into the webhook outbox, inside the sender's transaction."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.applications.interviews.models import Interview
from jobhub.applications.models import Application, ApplicationEvent, ApplicationStatus
from jobhub.jobs.models import Job
from jobhub.users.models import Role, User
from jobhub.webhooks import services


def _application_data(application: Application) -> dict[str, Any]:
    return {
        "application_id": application.id,
        "job_id": application.job_id,
        "company_id": application.company_id,
        "candidate_id": application.candidate_id,
        "status": application.status.value,
    }


def _personal(application: Application) -> dict[str, Any]:
    return services.application_personal_data(
        candidate_id=application.candidate_id, job_id=application.job_id
    )


@signals.application_submitted.connect
def _application_created(_sender: Any, *, application: Application, **_: Any) -> None:
    services.emit(
        company_id=application.company_id,
        type_="application.created",
        data=_application_data(application),
        personal=_personal(application),
    )


@signals.application_status_changed.connect
def _status_changed(
    _sender: Any, *, application: Application, event: ApplicationEvent, **_: Any
) -> None:
    data = {
        **_application_data(application),
        "from_status": event.from_status.value if event.from_status else None,
        "to_status": event.to_status.value,
    }
    personal = _personal(application)
    services.emit(
        company_id=application.company_id,
        type_="application.status_changed",
        data=data,
        personal=personal,
        status=event.to_status.value,
    )
    if event.to_status == ApplicationStatus.WITHDRAWN:
        services.emit(
            company_id=application.company_id,
            type_="application.withdrawn",
            data=_application_data(application),
            personal=personal,
        )


@signals.account_deleted.connect
def _candidate_erased(_sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """The companies a deleted candidate applied to learn it (they erase their copies)."""
    if user.role != Role.CANDIDATE:
        return {}
    for company_id in services.companies_applied_to(candidate_id=user.id):
        services.emit(
            company_id=company_id, type_="candidate.erased", data={"candidate_id": user.id}
        )
    return {}


JOB_EVENTS = {"published": "job.published", "closed": "job.closed"}


@signals.job_status_changed.connect
def _job_status_changed(_sender: Any, *, job: Job, before: Any, **_: Any) -> None:
    type_ = JOB_EVENTS.get(job.status.value)
    if type_ is None:
        return
    data = {
        "job_id": job.id,
        "company_id": job.company_id,
        "status": job.status.value,
        "from_status": before.value if before is not None else None,
        "moderation_status": job.moderation_status.value,
    }
    services.emit(company_id=job.company_id, type_=type_, data=data, personal={"title": job.title})


@signals.job_moderated.connect
def _job_moderated(_sender: Any, *, job: Job, decision: str, **_: Any) -> None:
    data = {
        "job_id": job.id,
        "company_id": job.company_id,
        "decision": decision,
        "moderation_status": job.moderation_status.value,
    }
    services.emit(
        company_id=job.company_id,
        type_="job.moderated",
        data=data,
        personal={"title": job.title, "reason": job.moderation_reason},
    )


@signals.interview_changed.connect
def _interview_changed(
    _sender: Any, *, interview: Interview, application: Application, change: str, **_: Any
) -> None:
    data = {
        "interview_id": interview.id,
        "application_id": application.id,
        "job_id": application.job_id,
        "company_id": application.company_id,
        "candidate_id": application.candidate_id,
        "status": interview.status.value,
    }
    personal = {
        **_personal(application),
        "starts_at": interview.starts_at.isoformat().replace("+00:00", "Z"),
        "duration_minutes": interview.duration_minutes,
        "kind": interview.kind.value,
        "location": interview.location,
    }
    services.emit(
        company_id=application.company_id,
        type_=f"interview.{change}",
        data=data,
        personal=personal,
    )
