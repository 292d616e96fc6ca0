"""Login sessions (refresh-token families) and the token pairs they issue.

Every access and refresh token carries its session's id as the ``sid`` claim, so
ending a session revokes all of its tokens at once. Refresh rotates: the session
remembers the one refresh token id that may be used next (``refresh_jti``); an older
refresh token of the family presented again means it was copied, and ends the session.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import Select, select, update

from jobhub.auth import revocation
from jobhub.auth.models import AuthSession, SessionEndReason
from jobhub.db import db, utcnow
from jobhub.users.models import User

SESSION_CLAIM = "sid"
USER_AGENT_MAX = 512


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


def session_id_of(payload: dict[str, Any]) -> int | None:
    """The session a decoded token belongs to (None for tokens minted outside a login)."""
    value = payload.get(SESSION_CLAIM)
    return int(value) if value is not None else None


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
    now = utcnow()
    refresh_jti = uuid.uuid4().hex
    session = AuthSession(
        user_id=user.id,
        refresh_jti=refresh_jti,
        created_at=now,
        last_used_at=now,
        expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
        user_agent=(user_agent or None) and user_agent[:USER_AGENT_MAX],
        ip_address=ip_address,
    )
    db.session.add(session)
    db.session.flush()
    return _issue(user, session, refresh_jti)


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
    revocation.end_sessions(s.id for s in live)
    db.session.flush()
    return len(live)


def end_all(*, user_id: int, reason: SessionEndReason, keep_id: int | None = None) -> int:
    """End every live session of the user, except ``keep_id``; the number ended."""
    query = active_query(user_id=user_id)
    if keep_id is not None:
        query = query.where(AuthSession.id != keep_id)
    return end(list(db.session.scalars(query)), reason=reason)
