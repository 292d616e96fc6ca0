"""Celery tasks: the inactivity policy (ACCOUNT_INACTIVE_DAYS)."""

from __future__ import annotations

from celery import shared_task

from jobhub.db import transaction
from jobhub.users import services


@shared_task(name="users.erase_inactive_accounts")
def erase_inactive_accounts() -> dict[str, int]:
    """Warn accounts 30 days before erasure, erase those warned and still idle."""
    with transaction():
        return services.apply_inactivity_policy()
