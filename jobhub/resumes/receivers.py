"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

import logging
from typing import Any

from jobhub import signals
from jobhub.resumes import services
from jobhub.users.models import User

log = logging.getLogger(__name__)


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> dict[str, Any]:
    """A deleted account's resumes go (with their analyses); files once the deletion commits."""
    count = services.delete_resumes_of(user=user)
    log.info("deleted %d resume(s) of deleted account %s", count, user.id)
    return {"erased": [f"resumes, their files and their analyses ({count})"]}
