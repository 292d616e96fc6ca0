"""Auth records kept in the database: sessions, single-use tokens, revoked token ids,
second factors (TOTP credentials and recovery codes)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, db, utcnow, value_enum


class RevokedToken(IdMixin, db.Model):
    """A revoked JWT: the truth; Redis, when configured, is the fast path in front of it."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class SessionEndReason(enum.StrEnum):
    LOGOUT = "logout"
    ENDED = "ended"  # by the user, from the session list
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    TOKEN_REUSE = "token_reuse"  # a rotated refresh token came back: likely theft
    ACCOUNT_DELETED = "account_deleted"
    ACCOUNT_DEACTIVATED = "account_deactivated"  # by an admin


class AuthSession(IdMixin, db.Model):
    """One login: a refresh-token family. Its id is the ``sid`` claim of its tokens.

    ``refresh_jti`` is the only refresh token of the family that may still be used;
    any other refresh token of the family presented again ends the session.
    """

    __tablename__ = "auth_sessions"
    __table_args__ = (Index("ix_auth_sessions_user_id_ended_at", "user_id", "ended_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    refresh_jti: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    user_agent: Mapped[str | None] = mapped_column(String(512), default=None)
    ip_address: Mapped[str | None] = mapped_column(String(64), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    end_reason: Mapped[SessionEndReason | None] = mapped_column(
        value_enum(SessionEndReason, "session_end_reason"), default=None
    )

    def __repr__(self) -> str:
        return f"<AuthSession {self.id} user={self.user_id}>"


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFICATION = "email_verification"


class OneTimeToken(IdMixin, db.Model):
    """A mailed single-use token; only its SHA-256 is stored."""

    __tablename__ = "one_time_tokens"
    __table_args__ = (Index("ix_one_time_tokens_user_id_purpose", "user_id", "purpose"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[TokenPurpose] = mapped_column(
        value_enum(TokenPurpose, "one_time_token_purpose")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address the token was mailed to: it proves nothing once the email has changed.
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class TotpCredential(IdMixin, db.Model):
    """A user's TOTP (RFC 6238) second factor: pending until a code confirms it.

    The shared secret is stored encrypted (``jobhub.auth.mfa.services``); once enabled it
    is never shown again. ``last_step`` is the last time step a code was accepted for:
    a code is refused for that step and every earlier one (no replay).
    """

    __tablename__ = "totp_credentials"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)


class RecoveryCode(IdMixin, db.Model):
    """A single-use recovery code of a user's second factor; only its SHA-256 is stored."""

    __tablename__ = "mfa_recovery_codes"
    __table_args__ = (Index("ix_mfa_recovery_codes_user_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
