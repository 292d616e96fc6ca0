"""Who may act on linked identities."""

from __future__ import annotations

from jobhub.auth.identity.models import ExternalIdentity
from jobhub.users.models import User


def can_manage_identity(actor: User, identity: ExternalIdentity) -> bool:
    """Only the account's own user may see or unlink its identities (admins included)."""
    return identity.user_id == actor.id
