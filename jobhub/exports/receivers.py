"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.exports import services
from jobhub.users.models import User


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """An erased account's exports and their files go."""
    count = services.remove_user(user=user)
    return {"erased": [f"exports ({count})"]}
