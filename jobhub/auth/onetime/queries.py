"""Single-use mailed tokens, read: the valid token a raw value names."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from jobhub.auth.models import OneTimeToken, TokenPurpose
from jobhub.db import db, utcnow


def digest(raw: str) -> str:
    """What the database keeps of a raw token: its SHA-256."""
    return hashlib.sha256(raw.encode()).hexdigest()


def find_valid(*, raw: str, purpose: TokenPurpose) -> OneTimeToken | None:
    """The unused, unexpired token of this purpose matching ``raw``."""
    return db.session.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == digest(raw),
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > utcnow(),
        )
    )
