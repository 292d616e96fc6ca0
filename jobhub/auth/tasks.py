"""Auth housekeeping tasks."""

from __future__ import annotations

from celery import shared_task

from jobhub.auth import revocation
from jobhub.db import transaction


@shared_task(name="auth.purge_expired_revocations")
def purge_expired_revocations() -> int:
    """Delete database revocations of tokens past their expiry (embedded default)."""
    with transaction():
        return revocation.purge_expired()
