"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.jobs.saved_searches import services
from jobhub.users.models import User


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """A deleted account's saved searches (and their alert records) go."""
    services.remove_user(user=user)
    return {"erased": ["saved searches and their job alerts"]}
