"""Auth services: token revocation (login, refresh and sessions arrive with the auth issue)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jobhub.auth import revocation


def revoke_token(*, payload: dict[str, Any]) -> None:
    """Revoke one decoded token until its expiry."""
    revocation.revoke(payload["jti"], datetime.fromtimestamp(payload["exp"], UTC))


def is_token_revoked(payload: dict[str, Any]) -> bool:
    """True when the token's id was revoked."""
    return revocation.is_revoked(payload["jti"])
