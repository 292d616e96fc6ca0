"""Second factors, read: a user's TOTP credential and whether it is on."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from jobhub.auth.models import RecoveryCode, TotpCredential
from jobhub.db import db


def credential(*, user_id: int) -> TotpCredential | None:
    """The user's TOTP credential, pending or enabled."""
    return db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user_id))


def enabled_credential(*, user_id: int) -> TotpCredential | None:
    found = credential(user_id=user_id)
    return found if found is not None and found.enabled_at is not None else None


def is_enabled(*, user_id: int) -> bool:
    return enabled_credential(user_id=user_id) is not None


def normalize_recovery_code(code: str) -> str:
    """What a recovery code is compared as: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_digest(code: str) -> str:
    return hashlib.sha256(normalize_recovery_code(code).encode()).hexdigest()


def unused_recovery_codes(*, user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
