"""Auth housekeeping: stale sessions and mailed tokens are purged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jobhub.auth.models import AuthSession, OneTimeToken, TokenPurpose
from jobhub.auth.tasks import purge_stale_sessions
from jobhub.db import db, transaction, utcnow


def test_purges_sessions_and_tokens_over_30_days_stale(app_ctx, make_user):
    user = make_user()
    now = utcnow()
    old = now - timedelta(days=31)

    def session(**fields) -> AuthSession:
        base = {"user_id": user.id, "refresh_jti": "j", "expires_at": now + timedelta(days=1)}
        return AuthSession(**{**base, **fields})

    def token(name: str, **fields) -> OneTimeToken:
        base = {
            "user_id": user.id,
            "purpose": TokenPurpose.PASSWORD_RESET,
            "token_hash": name.ljust(64, "0"),
            "email": user.email,
            "expires_at": now + timedelta(minutes=30),
        }
        return OneTimeToken(**{**base, **fields})

    with transaction():
        db.session.add_all(
            [
                session(user_agent="live"),
                session(user_agent="ended-recently", ended_at=now - timedelta(days=2)),
                session(user_agent="ended-long-ago", ended_at=old),
                session(user_agent="expired-long-ago", expires_at=old),
                token("a"),
                token("b", used_at=old),
                token("c", expires_at=old),
                token("d", used_at=now),
            ]
        )
    assert purge_stale_sessions.apply().get() == 4
    kept = set(db.session.scalars(select(AuthSession.user_agent)))
    assert kept == {"live", "ended-recently"}
    assert {t.token_hash[0] for t in db.session.scalars(select(OneTimeToken))} == {"a", "d"}
