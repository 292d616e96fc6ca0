"""Auth housekeeping tasks."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from sqlalchemy import delete

from jobhub.auth import services
from jobhub.auth.models import AuthSession
from jobhub.auth.onetime import services as onetime
from jobhub.auth.sessions import services as sessions
from jobhub.db import transaction, utcnow

# Ended and expired sessions stay listed nowhere but are kept this long for support.
STALE_AFTER = timedelta(days=30)


@shared_task(name="auth.purge_expired_revocations")
def purge_expired_revocations() -> int:
    """Delete database revocations of tokens past their expiry (the truth behind Redis)."""
    with transaction():
        return sessions.purge_expired()


@shared_task(name="auth.purge_stale_sessions")
def purge_stale_sessions() -> int:
    """Delete sessions and mailed tokens that ended or expired more than 30 days ago."""
    cutoff = utcnow() - STALE_AFTER
    with transaction() as session:
        result = session.execute(
            delete(AuthSession).where(
                (AuthSession.expires_at < cutoff)
                | (AuthSession.ended_at.is_not(None) & (AuthSession.ended_at < cutoff))
            )
        )
        return (result.rowcount or 0) + onetime.purge_stale(older_than=STALE_AFTER)


@shared_task(name="auth.password_reset")
def password_reset(email: str) -> bool:
    """Mail a reset link if an active account has this address (queued by every request)."""
    with transaction():
        return services.send_password_reset(email=email)
