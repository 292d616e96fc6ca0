"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.companies import services
from jobhub.users.models import User


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """Memberships go: a sole owner's company passes to another member, or closes."""
    services.remove_user(user=user)
    return {"erased": ["company memberships"]}
