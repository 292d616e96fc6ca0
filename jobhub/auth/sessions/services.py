"""Login sessions (refresh-token families), the token pairs they issue, and revocation.

Every access and refresh token carries its session's id as the ``sid`` claim, so
ending a session revokes all of its tokens at once. Refresh rotates: the session
remembers the one refresh token id that may be used next (``refresh_jti``); an older
refresh token of the family presented again means it was copied, and ends the session.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import delete, select, update

from jobhub.auth.models import AuthSession, RevokedToken, SessionEndReason
from jobhub.auth.sessions.queries import (
    KEY_PREFIX,
    LIVE_SESSION_PREFIX,
    SESSION_CLAIM,
    SESSION_KEY_PREFIX,
    active_query,
    confirmation_key,
)
from jobhub.db import db, on_commit, utcnow
from jobhub.errors import ServiceUnavailable
from jobhub.extensions import redis_store
from jobhub.users.models import User

USER_AGENT_MAX = 512
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    user: User
    token_type: str = "Bearer"


@dataclass(frozen=True)
class SessionInfo:
    """A session as its owner sees it; ``current`` marks the one of the request's token."""

    id: int
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str | None
    ip_address: str | None
    current: bool


def _issue(user: User, session: AuthSession, refresh_jti: str) -> TokenPair:
    cfg = current_app.config
    identity = str(user.id)
    claims = {SESSION_CLAIM: session.id}
    return TokenPair(
        access_token=create_access_token(identity=identity, additional_claims=claims),
        refresh_token=create_refresh_token(
            identity=identity, additional_claims={**claims, "jti": refresh_jti}
        ),
        expires_in=int(cfg["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()),
        refresh_expires_in=int(cfg["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds()),
        user=user,
    )


def start(*, user: User, user_agent: str | None, ip_address: str | None) -> TokenPair:
    """Open a session for a login and issue its first token pair."""
    refresh_jti = uuid.uuid4().hex
    session = open_session(
        user=user,
        refresh_jti=refresh_jti,
        lifetime=current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
        user_agent=user_agent,
        ip_address=ip_address,
    )
    return _issue(user, session, refresh_jti)


def open_session(
    *,
    user: User,
    refresh_jti: str,
    lifetime: timedelta,
    user_agent: str | None,
    ip_address: str | None,
) -> AuthSession:
    """A new live session row (flushed: its id is known)."""
    now = utcnow()
    session = AuthSession(
        user_id=user.id,
        refresh_jti=refresh_jti,
        created_at=now,
        last_used_at=now,
        expires_at=now + lifetime,
        user_agent=(user_agent or None) and user_agent[:USER_AGENT_MAX],
        ip_address=ip_address,
    )
    db.session.add(session)
    db.session.flush()
    session_id = session.id
    on_commit(lambda: confirm_live(jti="", session_id=session_id))
    return session


def rotate(
    *, user: User, session_id: int, used_jti: str, ip_address: str | None
) -> TokenPair | None:
    """Swap the session's refresh token for a new pair; None if ``used_jti`` was not current.

    A compare-and-swap on ``refresh_jti``: of two requests presenting the same refresh
    token, exactly one wins.
    """
    now = utcnow()
    new_jti = uuid.uuid4().hex
    result = db.session.execute(
        update(AuthSession)
        .where(
            AuthSession.id == session_id,
            AuthSession.user_id == user.id,
            AuthSession.refresh_jti == used_jti,
            AuthSession.ended_at.is_(None),
        )
        .values(
            refresh_jti=new_jti,
            last_used_at=now,
            expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
            ip_address=ip_address,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    session = db.session.get(AuthSession, session_id)
    assert session is not None
    return _issue(user, session, new_jti)


def describe(sessions: Sequence[AuthSession], *, current_id: int | None) -> list[SessionInfo]:
    return [
        SessionInfo(
            id=s.id,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            expires_at=s.expires_at,
            user_agent=s.user_agent,
            ip_address=s.ip_address,
            current=s.id == current_id,
        )
        for s in sessions
    ]


def end(sessions: Sequence[AuthSession], *, reason: SessionEndReason) -> int:
    """End these sessions: every token they issued is refused from now on."""
    live = [s for s in sessions if s.ended_at is None]
    now = utcnow()
    for session in live:
        session.ended_at = now
        session.end_reason = reason
    mark_sessions_ended(s.id for s in live)
    db.session.flush()
    return len(live)


def end_all(*, user_id: int, reason: SessionEndReason, keep_id: int | None = None) -> int:
    """End every live session of the user, except ``keep_id``; the number ended."""
    query = active_query(user_id=user_id)
    if keep_id is not None:
        query = query.where(AuthSession.id != keep_id)
    return end(list(db.session.scalars(query)), reason=reason)


# -- revocation ----------------------------------------------------------------------

_SLACK_SECONDS = 60  # clock skew between the processes that mint and check tokens


def _ttl_until(expires_at: datetime) -> int:
    return max(1, int((expires_at - datetime.now(UTC)).total_seconds()) + 1)


def revoke(jti: str, expires_at: datetime) -> None:
    """Remember ``jti`` as revoked until the token would have expired anyway.

    The database row is the truth; the Redis mark (when there is Redis) is what every
    worker sees at once. A token of a session is revoked by ending its session as well
    (logout does both): the session's end is what outlives a lost Redis key.
    """
    if db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == jti)) is None:
        db.session.add(RevokedToken(jti=jti, expires_at=expires_at))
    client = redis_store.client(current_app)
    if client is None:
        return
    try:
        with client.pipeline(transaction=False) as pipe:
            pipe.set(KEY_PREFIX + jti, 1, ex=_ttl_until(expires_at))
            pipe.delete(confirmation_key(jti, None))
            pipe.execute()
    except redis.RedisError as exc:
        raise ServiceUnavailable("Token revocation is unavailable; try again.") from exc


def confirm_live(*, jti: str, session_id: int | None) -> None:
    """Vouch in Redis that this token's session is live (the database says so just now).

    Called once a login commits, so a new session's tokens skip the database check; a
    failure only costs that check later.
    """
    client = redis_store.client(current_app)
    if client is None:
        return
    try:
        ttl = current_app.config["REVOCATION_CONFIRM_SECONDS"]
        client.set(confirmation_key(jti, session_id), 1, ex=ttl)
    except redis.RedisError:
        log.warning("could not confirm a session in Redis")


def mark_sessions_ended(session_ids: Iterable[int]) -> None:
    """Publish that these sessions ended (their rows are updated by the caller).

    In Redis the mark lives as long as the longest token a session can hold: a refresh
    token minted just now. The sessions' confirmations are dropped now and once more
    after the commit: a check that read the row before the commit may have set one.
    """
    ids = list(session_ids)
    client = redis_store.client(current_app)
    if client is None or not ids:
        return
    ttl = int(current_app.config["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds()) + _SLACK_SECONDS
    confirmations = [f"{LIVE_SESSION_PREFIX}{session_id}" for session_id in ids]
    try:
        with client.pipeline(transaction=False) as pipe:
            for session_id in ids:
                pipe.set(f"{SESSION_KEY_PREFIX}{session_id}", 1, ex=ttl)
            pipe.delete(*confirmations)
            pipe.execute()
    except redis.RedisError as exc:
        raise ServiceUnavailable("Session revocation is unavailable; try again.") from exc
    on_commit(lambda: _forget_confirmations(client, confirmations))


def _forget_confirmations(client: redis.Redis, keys: list[str]) -> None:
    try:
        client.delete(*keys)
    except redis.RedisError:
        # The session row is committed as ended; a stale confirmation lapses by itself.
        log.warning("could not drop %d session confirmations from Redis", len(keys))


def purge_expired() -> int:
    """Drop database revocations of tokens that have expired anyway."""
    result = db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    return result.rowcount or 0
