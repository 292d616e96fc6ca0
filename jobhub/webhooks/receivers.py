"""Domain events (jobhub.signals) into the webhook outbox, inside the sender's transaction."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.applications.models import Application, ApplicationEvent, ApplicationStatus
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
