"""Where revoked token ids are kept: Redis when configured, else the database.

With Redis every web worker sees a logout at once, and each entry expires with the
token it revokes. If Redis cannot be reached the check fails closed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import redis
from flask import current_app
from sqlalchemy import delete, select

from jobhub.auth.models import RevokedToken
from jobhub.db import db, utcnow
from jobhub.errors import ServiceUnavailable
from jobhub.extensions import redis_store

KEY_PREFIX = "jobhub:revoked:"


def revoke(jti: str, expires_at: datetime) -> None:
    """Remember ``jti`` as revoked until the token would have expired anyway."""
    client = redis_store.client(current_app)
    if client is None:
        if db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == jti)) is None:
            db.session.add(RevokedToken(jti=jti, expires_at=expires_at))
        return
    ttl = max(1, int((expires_at - datetime.now(UTC)).total_seconds()) + 1)
    try:
        client.set(KEY_PREFIX + jti, 1, ex=ttl)
    except redis.RedisError as exc:
        raise ServiceUnavailable("Token revocation is unavailable; try again.") from exc


def is_revoked(jti: str) -> bool:
    client = redis_store.client(current_app)
    if client is None:
        query = select(RevokedToken.id).where(RevokedToken.jti == jti)
        return db.session.scalar(query) is not None
    try:
        return bool(client.exists(KEY_PREFIX + jti))
    except redis.RedisError as exc:
        raise ServiceUnavailable("Token revocation cannot be checked; try again.") from exc


def purge_expired() -> int:
    """Drop database revocations of tokens that have expired anyway."""
    result = db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    return result.rowcount or 0
