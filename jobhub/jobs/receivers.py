"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.companies import services as companies
from jobhub.jobs import saved_searches
from jobhub.users.models import User


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> None:
    """Memberships go (a sole owner's company passes on or closes); saved searches go."""
    companies.remove_user(user=user)
    saved_searches.remove_user(user=user)
