"""JWT signing keys with ids: one current key signs, previous keys still verify.

Every token names the key that signed it in its ``kid`` header. Rotating keys means
making a new key current (``JWT_SECRET_KEY``) and listing the old one in
``JWT_PREVIOUS_SECRET_KEYS``: tokens already issued keep working until they expire,
new ones are signed with the new key, and a token naming a key nobody holds any more
is refused with 401.

A key's id is derived from the key itself, so every process configured with the same
keys agrees on the ids without another setting (and an id reveals nothing usable: it is
a truncated SHA-256 of a secret of at least 32 random characters).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from jwt.exceptions import InvalidTokenError

_EXTENSION = "jobhub_jwt_keys"
KID_LENGTH = 16


def key_id(secret: str) -> str:
    """The public id of a signing key (16 hex digits)."""
    return hashlib.sha256(b"jobhub-jwt-kid:" + secret.encode()).hexdigest()[:KID_LENGTH]


@dataclass(frozen=True)
class Keyring:
    """The current key's id and every key accepted for verification, by id."""

    current_id: str
    secrets: dict[str, str]

    @property
    def current_secret(self) -> str:
        return self.secrets[self.current_id]

    @property
    def previous_ids(self) -> list[str]:
        return [kid for kid in self.secrets if kid != self.current_id]


def build_keyring(current: str, previous: list[str]) -> Keyring:
    """The keyring of a current key and the previous keys still accepted."""
    secrets = {key_id(current): current}
    for secret in previous:
        secrets.setdefault(key_id(secret), secret)
    return Keyring(current_id=key_id(current), secrets=secrets)


def keyring(app: Flask | None = None) -> Keyring:
    """The app's keyring, built once from its configuration."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    ring = app.extensions.get(_EXTENSION)
    if ring is None:
        ring = build_keyring(app.config["JWT_SECRET_KEY"], app.config["JWT_PREVIOUS_SECRET_KEYS"])
        app.extensions[_EXTENSION] = ring
    return ring


def signing_headers(_identity: Any) -> dict[str, str]:
    """Headers of every token we issue: the id of the key that signs it."""
    return {"kid": keyring().current_id}


def signing_key(_identity: Any) -> str:
    return keyring().current_secret


def verification_key(header: dict[str, Any], _payload: dict[str, Any]) -> str:
    """The key a token must be signed with, chosen by its ``kid``.

    A token without ``kid`` (issued before key ids existed) is checked against the
    current key; a ``kid`` we do not hold is refused before any signature check.
    """
    ring = keyring()
    kid = header.get("kid")
    if kid is None:
        return ring.current_secret
    secret = ring.secrets.get(kid) if isinstance(kid, str) else None
    if secret is None:
        raise InvalidTokenError("unknown signing key")
    return secret
