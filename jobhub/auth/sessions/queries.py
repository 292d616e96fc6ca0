"""Sessions and revocations, read: a user's live sessions, and whether a token is revoked.

Two things revoke a token: its own id (``jti``) was revoked (logout), or the session
named by its ``sid`` claim was ended (which revokes every access and refresh token of
that session at once). With Redis every web worker sees both at once and each entry
expires when no token it covers can still be valid; without Redis the database holds
them (``revoked_tokens`` and ``auth_sessions.ended_at``). If Redis cannot be reached
the check fails closed with 503.
"""

from __future__ import annotations

from typing import Any

import redis
from flask import current_app
from sqlalchemy import Select, exists, select

from jobhub.auth.models import AuthSession, RevokedToken
from jobhub.db import db, utcnow
from jobhub.errors import ServiceUnavailable
from jobhub.extensions import redis_store

KEY_PREFIX = "jobhub:revoked:"
SESSION_KEY_PREFIX = "jobhub:session-ended:"
SESSION_CLAIM = "sid"


def session_id_of(payload: dict[str, Any]) -> int | None:
    """The session a decoded token belongs to (None for tokens minted outside a login)."""
    value = payload.get(SESSION_CLAIM)
    return int(value) if value is not None else None


def get(*, session_id: int) -> AuthSession | None:
    return db.session.get(AuthSession, session_id)


def active_query(*, user_id: int) -> Select:
    """The user's live sessions, most recently used first."""
    return (
        select(AuthSession)
        .where(
            AuthSession.user_id == user_id,
            AuthSession.ended_at.is_(None),
            AuthSession.expires_at > utcnow(),
        )
        .order_by(AuthSession.last_used_at.desc(), AuthSession.id.desc())
    )


def is_active(session: AuthSession) -> bool:
    return session.ended_at is None and session.expires_at > utcnow()


def is_revoked(jti: str, session_id: int | None = None) -> bool:
    """True when the token id was revoked or its session ended (one round trip)."""
    client = redis_store.client(current_app)
    if client is None:
        return _is_revoked_in_database(jti, session_id)
    keys = [KEY_PREFIX + jti]
    if session_id is not None:
        keys.append(f"{SESSION_KEY_PREFIX}{session_id}")
    try:
        return bool(client.exists(*keys))
    except redis.RedisError as exc:
        raise ServiceUnavailable("Token revocation cannot be checked; try again.") from exc


def _is_revoked_in_database(jti: str, session_id: int | None) -> bool:
    jti_revoked = exists().where(RevokedToken.jti == jti)
    if session_id is None:
        return bool(db.session.scalar(select(jti_revoked)))
    # A session row that is gone (purged long after it ended) counts as ended.
    session_live = exists().where(AuthSession.id == session_id, AuthSession.ended_at.is_(None))
    revoked, live = db.session.execute(select(jti_revoked, session_live)).one()
    return bool(revoked) or not live
