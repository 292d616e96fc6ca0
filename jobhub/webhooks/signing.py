"""Standard Webhooks 1.0 signing: ``whsec_`` secrets, message ids, the three headers.

A library: it imports no domain. The signature is ``v1,<base64 HMAC-SHA256>`` of
``"{id}.{timestamp}.{body}"`` under the secret's base64-decoded bytes; several are sent
space-separated (during a rotation, one per live secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id() -> str:
    """A webhook-id: unique per event, the same on every retry (receivers deduplicate)."""
    return f"msg_{secrets.token_urlsafe(18)}"


def sign(secret: str, *, message_id: str, timestamp: int, body: str) -> str:
    """One ``v1,<signature>`` of the message under ``secret``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(
    secrets_: Iterable[str], *, message_id: str, timestamp: int, body: str
) -> dict[str, str]:
    """The request headers of one attempt, signed with every given secret."""
    signatures = " ".join(
        sign(secret, message_id=message_id, timestamp=timestamp, body=body) for secret in secrets_
    )
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": "JobHub-Webhooks/1.0",
    }
