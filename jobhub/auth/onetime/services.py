"""Single-use mailed tokens (password reset, email verification).

The raw token goes only into the mail; the database keeps its SHA-256. Consuming is an
atomic update, so a token works exactly once even under concurrent requests.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, update

from jobhub.auth.models import OneTimeToken, TokenPurpose
from jobhub.auth.onetime.queries import digest
from jobhub.db import db, utcnow

TOKEN_BYTES = 32


def issue(*, user_id: int, email: str, purpose: TokenPurpose, lifetime: timedelta) -> str:
    """A new raw token; earlier unused tokens of the same purpose stop working."""
    revoke_unused(user_id=user_id, purpose=purpose)
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        OneTimeToken(
            user_id=user_id,
            purpose=purpose,
            token_hash=digest(raw),
            email=email,
            expires_at=utcnow() + lifetime,
        )
    )
    db.session.flush()
    return raw


def consume(*, token: OneTimeToken) -> bool:
    """Mark the token used; False when another request used it first."""
    result = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == token.id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def revoke_unused(*, user_id: int, purpose: TokenPurpose | None = None) -> None:
    """Delete the user's unused tokens (of one purpose, or all)."""
    query = delete(OneTimeToken).where(
        OneTimeToken.user_id == user_id, OneTimeToken.used_at.is_(None)
    )
    if purpose is not None:
        query = query.where(OneTimeToken.purpose == purpose)
    db.session.execute(query.execution_options(synchronize_session=False))


def purge_stale(*, older_than: timedelta) -> int:
    """Delete tokens used or expired more than ``older_than`` ago."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        delete(OneTimeToken).where(
            (OneTimeToken.expires_at < cutoff)
            | (OneTimeToken.used_at.is_not(None) & (OneTimeToken.used_at < cutoff))
        )
    )
    return result.rowcount or 0
