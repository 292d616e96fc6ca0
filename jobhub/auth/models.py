"""Auth records kept in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, db


class RevokedToken(IdMixin, db.Model):
    """A revoked JWT, for the embedded default; with Redis, revocations live there."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
