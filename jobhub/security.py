"""Authentication wiring: password hashing, JWT loaders, current_user and role checks.

The loaders turn every flask-jwt-extended failure into our error envelope, look the
user up on each request (so a deactivated account is refused at once) and ask the
auth domain whether a token was revoked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from copy import deepcopy
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g
from flask_jwt_extended import current_user as _jwt_current_user
from flask_jwt_extended import get_jwt, verify_jwt_in_request
from flask_smorest.utils import deepupdate
from werkzeug.local import LocalProxy

from jobhub.errors import (
    AccountDisabled,
    Forbidden,
    TokenExpired,
    TokenRevoked,
    Unauthorized,
    error_response,
    jobhub_error_response,
)
from jobhub.extensions import jwt
from jobhub.jwt_keys import signing_headers, signing_key, verification_key

F = TypeVar("F", bound=Callable[..., Any])
BEARER = [{"bearerAuth": []}]


# -- passwords ---------------------------------------------------------------------


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["PASSWORD_HASH_TIME_COST"],
        memory_cost=cfg["PASSWORD_HASH_MEMORY_KIB"],
        parallelism=1,
    )


def hash_password(password: str) -> str:
    """Argon2id hash with the configured cost."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises for a bad or foreign hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# -- the caller ----------------------------------------------------------------------

current_user: Any = LocalProxy(lambda: _jwt_current_user)


def _load_user(_header: dict, payload: dict) -> Any:
    from jobhub.users.services import get_user

    user = get_user(user_id=int(payload["sub"]))
    if user is None or user.deleted_at is not None:
        return None
    g.user_id = user.id
    if not user.is_active:
        raise AccountDisabled()
    return user


def _token_revoked(_header: dict, payload: dict) -> bool:
    from jobhub.auth.services import is_token_revoked

    return is_token_revoked(payload)


def _unauthorized(reason: str) -> Any:
    return error_response(401, "unauthorized", f"Authentication is required: {reason}.")


def _invalid_token(reason: str) -> Any:
    return error_response(401, "unauthorized", f"The token is invalid: {reason}.")


def init_jwt(app: Flask) -> None:
    jwt.init_app(app)
    # Key ids: the current key signs, previous keys still verify (jobhub/jwt_keys.py).
    jwt.additional_headers_loader(signing_headers)
    jwt.encode_key_loader(signing_key)
    jwt.decode_key_loader(verification_key)
    jwt.user_lookup_loader(_load_user)
    jwt.token_in_blocklist_loader(_token_revoked)
    jwt.unauthorized_loader(_unauthorized)
    jwt.invalid_token_loader(_invalid_token)
    jwt.expired_token_loader(lambda _h, _p: jobhub_error_response(TokenExpired()))
    jwt.revoked_token_loader(lambda _h, _p: jobhub_error_response(TokenRevoked()))
    jwt.user_lookup_error_loader(
        lambda _h, _p: jobhub_error_response(Unauthorized("The token's user no longer exists."))
    )
    jwt.needs_fresh_token_loader(
        lambda _h, _p: jobhub_error_response(Unauthorized("A fresh login is required."))
    )
    jwt.token_verification_failed_loader(
        lambda _h, _p: jobhub_error_response(Unauthorized("The token was refused."))
    )


def auth_required(*roles: str, refresh: bool = False) -> Callable[[F], F]:
    """Require a valid token (of the given roles, if any) and document it in OpenAPI.

    A caller whose role is not allowed gets 403: they may see that the endpoint exists.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            verify_jwt_in_request(refresh=refresh)
            if roles and current_user.role.value not in roles:
                raise Forbidden(f"This action is for: {', '.join(roles)}.")
            return view(*args, **kwargs)

        # Same bookkeeping as flask-smorest's Blueprint.doc: the route shows the lock.
        docs = deepcopy(getattr(view, "_apidoc", {}))
        docs["manual_doc"] = deepupdate(docs.get("manual_doc", {}), {"security": BEARER})
        wrapper._apidoc = docs  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def role_required(*roles: str) -> Callable[[F], F]:
    """``auth_required`` naming at least one role: the others get 403."""
    if not roles:
        raise ValueError("role_required needs at least one role; use auth_required()")
    return auth_required(*roles)


def current_token() -> dict:
    """The verified JWT payload of this request."""
    return get_jwt()
