"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.applications import services
from jobhub.users.models import Role, User


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> None:
    """A deleted candidate's open applications are withdrawn, and all are anonymised."""
    if user.role == Role.CANDIDATE:
        services.remove_candidate(user=user)


@signals.user_profile_access.connect
def _employer_the_candidate_applied_to(_sender: Any, *, actor: User, user: User, **_: Any) -> bool:
    """An employer may read the profile of a candidate who applied to their company."""
    if actor.role != Role.EMPLOYER or user.role != Role.CANDIDATE:
        return False
    return services.applied_to_company_of(candidate_id=user.id, member_id=actor.id)
