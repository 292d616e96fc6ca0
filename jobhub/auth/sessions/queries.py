"""Sessions and revocations, read: a user's live sessions, and whether a token is revoked.

Two things revoke a token: its own id (``jti``) was revoked (logout), or the session
named by its ``sid`` claim was ended (which revokes every access and refresh token of
that session at once). The database is the truth (``revoked_tokens`` and
``auth_sessions.ended_at``); Redis is the fast path every web worker shares.

With Redis one ``MGET`` answers the common case: a revocation mark (``revoked:<jti>``,
``session-ended:<sid>``) says revoked at once; a confirmation mark (``session-live:<sid>``,
or ``token-live:<jti>`` for a token outside any session) says the database found the
session live less than ``REVOCATION_CONFIRM_SECONDS`` ago. With neither, the database
answers and a live answer is cached as a confirmation. Ending a session deletes its
confirmation, so deleting, evicting or flushing Redis keys can only cost a database
query, never revive a token. If Redis cannot be reached the check fails closed with 503.
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
LIVE_SESSION_PREFIX = "jobhub:session-live:"
LIVE_TOKEN_PREFIX = "jobhub:token-live:"
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


def confirmation_key(jti: str, session_id: int | None) -> str:
    """The Redis key vouching that the database found this token's session live."""
    if session_id is None:
        return LIVE_TOKEN_PREFIX + jti
    return f"{LIVE_SESSION_PREFIX}{session_id}"


def is_revoked(jti: str, session_id: int | None = None) -> bool:
    """True when the token id was revoked or its session ended (one Redis round trip)."""
    client = redis_store.client(current_app)
    if client is None:
        return _is_revoked_in_database(jti, session_id)
    confirmation = confirmation_key(jti, session_id)
    keys = [KEY_PREFIX + jti, confirmation]
    if session_id is not None:
        keys.append(f"{SESSION_KEY_PREFIX}{session_id}")
    try:
        revoked, confirmed, *ended = client.mget(keys)
        if revoked is not None or any(mark is not None for mark in ended):
            return True
        if confirmed is not None:
            return False
        if _is_revoked_in_database(jti, session_id):
            return True
        ttl = current_app.config["REVOCATION_CONFIRM_SECONDS"]
        client.set(confirmation, 1, ex=ttl)
        return False
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
