"""Where revocations are kept: Redis when configured, else the database.

Two things revoke a token: its own id (``jti``) was revoked (logout), or the session
named by its ``sid`` claim was ended (which revokes every access and refresh token of
that session at once). With Redis every web worker sees both at once and each entry
expires when no token it covers can still be valid; without Redis the database holds
them (``revoked_tokens`` and ``auth_sessions.ended_at``). If Redis cannot be reached
the check fails closed with 503.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import redis
from flask import current_app
from sqlalchemy import delete, exists, select

from jobhub.auth.models import AuthSession, RevokedToken
from jobhub.db import db, utcnow
from jobhub.errors import ServiceUnavailable
from jobhub.extensions import redis_store

KEY_PREFIX = "jobhub:revoked:"
SESSION_KEY_PREFIX = "jobhub:session-ended:"
_SLACK_SECONDS = 60  # clock skew between the processes that mint and check tokens


def _ttl_until(expires_at: datetime) -> int:
    return max(1, int((expires_at - datetime.now(UTC)).total_seconds()) + 1)


def revoke(jti: str, expires_at: datetime) -> None:
    """Remember ``jti`` as revoked until the token would have expired anyway."""
    client = redis_store.client(current_app)
    if client is None:
        if db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == jti)) is None:
            db.session.add(RevokedToken(jti=jti, expires_at=expires_at))
        return
    try:
        client.set(KEY_PREFIX + jti, 1, ex=_ttl_until(expires_at))
    except redis.RedisError as exc:
        raise ServiceUnavailable("Token revocation is unavailable; try again.") from exc


def end_sessions(session_ids: Iterable[int]) -> None:
    """Publish that these sessions ended (their rows are updated by the caller).

    In Redis the mark lives as long as the longest token a session can hold: a refresh
    token minted just now.
    """
    ids = list(session_ids)
    client = redis_store.client(current_app)
    if client is None or not ids:
        return
    ttl = int(current_app.config["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds()) + _SLACK_SECONDS
    try:
        with client.pipeline(transaction=False) as pipe:
            for session_id in ids:
                pipe.set(f"{SESSION_KEY_PREFIX}{session_id}", 1, ex=ttl)
            pipe.execute()
    except redis.RedisError as exc:
        raise ServiceUnavailable("Session revocation is unavailable; try again.") from exc


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


def purge_expired() -> int:
    """Drop database revocations of tokens that have expired anyway."""
    result = db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    return result.rowcount or 0
