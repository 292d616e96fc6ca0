"""Celery tasks: the inactivity policy (ACCOUNT_INACTIVE_DAYS)."""

from __future__ import annotations

from datetime import UTC, datetime

from celery import shared_task

from jobhub.db import transaction
from jobhub.users import services


@shared_task(name="users.erase_inactive_accounts")
def erase_inactive_accounts(now: str | None = None) -> dict[str, int]:
    """Warn accounts 30 days before erasure, erase those warned and still idle.

    ``now`` (ISO-8601) applies the policy as of that moment (tests advance the clock so)."""
    moment = None
    if now is not None:
        moment = datetime.fromisoformat(now.replace("Z", "+00:00")).astimezone(UTC)
    with transaction():
        return services.apply_inactivity_policy(now=moment)
