"""Who may keep saved searches."""

from __future__ import annotations

from jobhub.users.models import Role, User


def can_use_saved_searches(user: User) -> bool:
    """Saved searches and their alerts are a candidate feature."""
    return user.role == Role.CANDIDATE
