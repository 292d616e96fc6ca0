"""Who may act on auth records."""

from __future__ import annotations

from jobhub.auth.models import AuthSession
from jobhub.users.models import User


def can_manage_session(actor: User, session: AuthSession) -> bool:
    """Only the session's own user may see or end it (admins included: it is private)."""
    return session.user_id == actor.id
