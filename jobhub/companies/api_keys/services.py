"""API keys: creation (the key shown once), revocation, and authentication of a request.

A key is ``jh_<prefix>_<secret>``: 12 hex digits find the row, 32 random bytes are the
secret, of which only the SHA-256 is stored (a high-entropy secret needs no slow hash) and
compared in constant time. Every request reads the row, so a revocation or an expiry is
seen at once by every worker; ``last_used_at`` is written at most once a minute per key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import request
from sqlalchemy import or_, update

from jobhub.audit import services as audit
from jobhub.companies.api_keys import queries
from jobhub.companies.api_keys.models import ApiKey
from jobhub.companies.models import Company
from jobhub.db import db, utcnow
from jobhub.errors import ValidationError
from jobhub.security import ApiKeyCaller
from jobhub.users.models import User

PREFIX_HEX = 12
SECRET_BYTES = 32
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedKey:
    """A new key as its creator sees it, this once: with the full ``key``."""

    key: str
    api_key: ApiKey

    def __getattr__(self, name: str) -> object:
        return getattr(self.api_key, name)


def _audit(action: str, *, actor: User | None, key: ApiKey, changes: dict | None = None) -> None:
    audit.record(
        action=action, actor=actor, target_type="api_key", target_id=key.id, changes=changes
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    *,
    company: Company,
    actor: User,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> CreatedKey:
    """A new key for the company; the full key is in the answer and nowhere else."""
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationError(errors={"json": {"expires_at": ["Must be in the future."]}})
    prefix, secret = secrets.token_hex(PREFIX_HEX // 2), secrets.token_urlsafe(SECRET_BYTES)
    key = ApiKey(
        company_id=company.id,
        created_by_id=actor.id,
        name=name,
        prefix=prefix,
        secret_hash=_digest(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    db.session.add(key)
    db.session.flush()
    _audit("api_key.created", actor=actor, key=key, changes={"scopes": [None, key.scopes]})
    return CreatedKey(key=f"jh_{prefix}_{secret}", api_key=key)


def revoke_key(*, key: ApiKey, actor: User) -> None:
    """Revoke a key: the next request with it, on any worker, is refused."""
    key.revoked_at = utcnow()
    db.session.flush()
    _audit("api_key.revoked", actor=actor, key=key)


def _parse(raw: str) -> tuple[str, str] | None:
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != "jh" or not 20 <= len(parts[2]) <= 100:
        return None
    prefix = parts[1]
    if len(prefix) != PREFIX_HEX or any(ch not in "0123456789abcdef" for ch in prefix):
        return None
    return prefix, parts[2]


def authenticate(raw: str) -> ApiKeyCaller | None:
    """The caller a presented ``jh_`` key is; None if unknown, revoked or expired."""
    parsed = _parse(raw)
    key = queries.find_usable(prefix=parsed[0]) if parsed is not None else None
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(parsed[1])):
        return None
    _touch(key)
    return ApiKeyCaller(key_id=key.id, company_id=key.company_id, scopes=frozenset(key.scopes))


def _touch(key: ApiKey) -> None:
    """Note the use, at most once a minute (a conditional update: no write most times)."""
    now = utcnow()
    if key.last_used_at is not None and key.last_used_at > now - LAST_USED_EVERY:
        return
    db.session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def record_use(caller: ApiKeyCaller) -> None:
    """Audit a key's request that changed something, in the request's own transaction."""
    key = db.session.get(ApiKey, caller.key_id)
    if key is not None:
        change = f"{request.method} {request.path}"
        _audit("api_key.used", actor=None, key=key, changes={"request": [None, change]})
