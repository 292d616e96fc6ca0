"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event

from jobhub import signals
from jobhub.applications import queries, services
from jobhub.resumes.models import Resume
from jobhub.users.models import Role, User


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """A deleted candidate's open applications are withdrawn, and all are anonymised."""
    if user.role != Role.CANDIDATE:
        return {}
    withdrawn = services.remove_candidate(user=user)
    return {
        "anonymised": [
            "applications: your name and email, cover letters, resume links, match scores "
            f"and match explanations removed ({withdrawn} open ones withdrawn)",
            "notices the companies received about your applications",
        ],
        "retained": [
            {
                "what": "each application's job, dates and stage history, without your identity",
                "why": "The companies' hiring records: employers must be able to account for "
                "their hiring decisions.",
            }
        ],
    }


@signals.user_profile_access.connect
def _employer_the_candidate_applied_to(_sender: Any, *, actor: User, user: User, **_: Any) -> bool:
    """An employer may read the profile of a candidate who applied to their company."""
    if actor.role != Role.EMPLOYER or user.role != Role.CANDIDATE:
        return False
    return queries.applied_to_company_of(candidate_id=user.id, member_id=actor.id)


@signals.resume_file_access.connect
def _member_of_a_company_it_was_sent_to(
    _sender: Any, *, actor: User, resume: Resume, **_: Any
) -> bool:
    """The resume's file, for the members of a company it came to with an application."""
    if actor.role != Role.EMPLOYER:
        return False
    return queries.resume_sent_to_company_of(resume_id=resume.id, member_id=actor.id)


@event.listens_for(Resume, "after_delete")
def _resume_deleted(_mapper: Any, connection: Connection, resume: Resume) -> None:
    """Applications keep no reference to a deleted resume."""
    services.forget_resume(resume_id=resume.id, connection=connection)
