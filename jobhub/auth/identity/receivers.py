"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.auth.identity import services
from jobhub.users.models import User


@signals.account_deleted.connect
def _forget_identities_of_deleted_account(sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """A deleted account can no more be signed in to through a provider."""
    services.forget(user_id=user.id)
    return {"erased": ["linked external identities (provider, subject, email)"]}
