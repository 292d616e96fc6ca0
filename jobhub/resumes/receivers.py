"""Reactions to other domains' events (``jobhub.signals``)."""

from __future__ import annotations

import logging
from typing import Any

from jobhub import signals
from jobhub.resumes import services
from jobhub.users.models import User

log = logging.getLogger(__name__)


@signals.account_deleted.connect
def _on_account_deleted(_sender: Any, *, user: User, **_: Any) -> None:
    """A deleted account's resumes go; their files once the deletion commits."""
    count = services.delete_resumes_of(user=user)
    log.info("deleted %d resume(s) of deleted account %s", count, user.id)
