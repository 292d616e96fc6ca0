"""Two-factor sign-in (TOTP, RFC 6238, with pyotp) and single-use recovery codes.

- The shared secret is stored encrypted (Fernet, with a key derived from ``SECRET_KEY``;
  ``SECRET_KEY_FALLBACKS`` still decrypt, so rotating the key keeps every credential).
  It is shown by ``setup`` only, never again once the credential is enabled.
- A code is accepted for the current 30-second step or one step either side, and only
  once: a compare-and-set on ``last_step`` refuses a code of that step or any earlier one.
- Recovery codes (10, 80 bits each) are stored as SHA-256 and consumed by an atomic update.
- The ``mfa_token`` that carries a login from the password to the code is a JWT with its
  own audience (``jobhub-mfa``), so it is never accepted as an access token; it is used
  once (its id is then revoked like a logged-out token) and lives a few minutes.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pyotp
import redis
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from pyotp.utils import strings_equal
from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError

from jobhub.audit import services as audit
from jobhub.auth.mfa import queries
from jobhub.auth.models import RecoveryCode, RevokedToken, TotpCredential
from jobhub.auth.sessions.queries import KEY_PREFIX
from jobhub.db import db, utcnow
from jobhub.errors import Conflict, ServiceUnavailable, ValidationError
from jobhub.extensions import redis_store
from jobhub.jwt_keys import keyring, verification_key
from jobhub.users import services as users
from jobhub.users.models import Role, User

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
MFA_AUDIENCE = "jobhub-mfa"
WRONG_CODE = "The code is wrong, expired or already used."


@dataclass(frozen=True)
class SetupInfo:
    secret: str
    otpauth_uri: str


@dataclass(frozen=True)
class RecoveryCodes:
    recovery_codes: list[str]


@dataclass(frozen=True)
class MfaChallenge:
    """What a login answers when the account has a second factor."""

    mfa_token: str
    expires_in: int
    mfa_required: bool = True


def _audit(action: str, user: User) -> None:
    audit.record(action=action, actor=user, target_type="user", target_id=user.id)


# -- the secret ------------------------------------------------------------------------


def _fernet() -> MultiFernet:
    cfg = current_app.config
    keys = [cfg["SECRET_KEY"], *cfg.get("SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"jobhub-totp:" + k.encode()).digest()))
            for k in keys
        ]
    )


def _secret_of(credential: TotpCredential) -> str | None:
    try:
        return _fernet().decrypt(credential.secret_encrypted.encode()).decode()
    except InvalidToken:
        return None  # encrypted under a key no longer configured: the factor is lost


def _now() -> float:
    return current_app.config["TOTP_CLOCK"]()


def matching_step(secret: str, code: str, *, at: float) -> int | None:
    """The time step, within the allowed drift of ``at``'s, whose code ``code`` is."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(at // STEP_SECONDS)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if strings_equal(totp.generate_otp(step), code):
            found = step
    return found


def accept_code(credential: TotpCredential, code: str) -> bool:
    """Accept a TOTP code once: its step must be later than the last accepted one."""
    secret = _secret_of(credential)
    step = matching_step(secret, code, at=_now()) if secret is not None else None
    if step is None:
        return False
    result = db.session.execute(
        update(TotpCredential)
        .where(
            TotpCredential.id == credential.id,
            or_(TotpCredential.last_step.is_(None), TotpCredential.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def use_recovery_code(*, user_id: int, code: str) -> bool:
    """Consume one of the user's unused recovery codes; False if it is not one."""
    if not queries.normalize_recovery_code(code):
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == queries.recovery_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def verify_second_factor(*, user: User, code: str) -> str | None:
    """Check a TOTP code or a recovery code of the user's enabled factor; which one, or None."""
    credential = queries.enabled_credential(user_id=user.id)
    if credential is None:
        return None
    if accept_code(credential, code):
        return "totp"
    if use_recovery_code(user_id=user.id, code=code):
        _audit("auth.recovery_code_used", user)
        return "recovery_code"
    return None


# -- setup, enable, disable ------------------------------------------------------------


def setup(*, user: User) -> SetupInfo:
    """A new secret for the caller's (pending) credential; 409 once 2FA is on."""
    credential = queries.credential(user_id=user.id)
    if credential is not None and credential.enabled_at is not None:
        raise Conflict("Two-factor sign-in is already on; disable it to set up a new device.")
    secret = pyotp.random_base32()
    encrypted = _fernet().encrypt(secret.encode()).decode()
    if credential is None:
        db.session.add(TotpCredential(user_id=user.id, secret_encrypted=encrypted))
    else:
        credential.secret_encrypted, credential.last_step = encrypted, None
        credential.created_at = utcnow()
    db.session.flush()
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=current_app.config["MFA_ISSUER"]
    )
    return SetupInfo(secret=secret, otpauth_uri=uri)


def enable(*, user: User, code: str) -> RecoveryCodes:
    """Turn 2FA on with a code of the pending secret; the 10 recovery codes, shown once."""
    credential = queries.credential(user_id=user.id)
    if credential is None:
        raise Conflict("No two-factor setup is pending; start with POST /auth/2fa/setup.")
    if credential.enabled_at is not None:
        raise Conflict("Two-factor sign-in is already on.")
    if not accept_code(credential, code):
        raise ValidationError(WRONG_CODE, errors={"json": {"code": [WRONG_CODE]}})
    credential.enabled_at = utcnow()
    codes = _new_recovery_codes(user.id)
    _audit("auth.2fa_enabled", user)
    return RecoveryCodes(recovery_codes=codes)


def _new_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 16 chars, 80 bits
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    db.session.add_all(
        RecoveryCode(user_id=user_id, code_hash=queries.recovery_digest(code)) for code in codes
    )
    db.session.flush()
    return codes


def disable(*, user: User, password: str, code: str) -> None:
    """Turn 2FA off: the password and a code (TOTP or recovery) are both required."""
    users.check_password(user=user, password=password, field="password")
    if queries.enabled_credential(user_id=user.id) is None:
        raise Conflict("Two-factor sign-in is off.")
    if verify_second_factor(user=user, code=code) is None:
        raise ValidationError(WRONG_CODE, errors={"json": {"code": [WRONG_CODE]}})
    forget(user_id=user.id)
    _audit("auth.2fa_disabled", user)


def forget(*, user_id: int) -> None:
    """Delete the user's second factor and recovery codes (disable, account deletion)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user_id))


def must_set_up(user: User) -> bool:
    """An admin without a second factor while ``ADMIN_REQUIRE_2FA`` is on."""
    return (
        current_app.config["ADMIN_REQUIRE_2FA"]
        and user.role == Role.ADMIN
        and not queries.is_enabled(user_id=user.id)
    )


# -- the login's second step -------------------------------------------------------------


def challenge(*, user: User) -> MfaChallenge:
    """The ``mfa_token`` that a correct code turns into a login."""
    ring = keyring()
    lifetime = timedelta(minutes=current_app.config["MFA_TOKEN_MINUTES"])
    now = datetime.now(UTC)
    payload = {
        "sub": str(user.id),
        "aud": MFA_AUDIENCE,
        "iss": current_app.config["JWT_ENCODE_ISSUER"],
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        "type": "mfa",
    }
    token = jwt.encode(payload, ring.current_secret, "HS256", headers={"kid": ring.current_id})
    return MfaChallenge(mfa_token=token, expires_in=int(lifetime.total_seconds()))


def read_challenge(token: str) -> dict[str, Any] | None:
    """The verified payload of an ``mfa_token``; None if it is not a live one of ours."""
    try:
        key = verification_key(jwt.get_unverified_header(token), {})
        payload = jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            audience=MFA_AUDIENCE,
            issuer=current_app.config["JWT_ENCODE_ISSUER"],
            options={"require": ["exp", "sub", "jti"]},
        )
    except jwt.PyJWTError:
        return None
    return payload if payload.get("type") == "mfa" and str(payload["sub"]).isdigit() else None


def consume_challenge(payload: dict[str, Any]) -> bool:
    """Use an ``mfa_token`` once: False when it was used already."""
    jti, expires_at = payload["jti"], datetime.fromtimestamp(payload["exp"], UTC)
    client = redis_store.client(current_app)
    if client is not None:
        ttl = max(1, int((expires_at - datetime.now(UTC)).total_seconds()) + 1)
        try:
            return bool(client.set(KEY_PREFIX + jti, 1, nx=True, ex=ttl))
        except redis.RedisError as exc:
            raise ServiceUnavailable("Sign-in is unavailable; try again.") from exc
    try:
        with db.session.begin_nested():
            db.session.add(RevokedToken(jti=jti, expires_at=expires_at))
    except IntegrityError:
        return False
    return True
