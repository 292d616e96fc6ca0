"""Authentication, a core library: password hashing, JWT loaders, current_user, auth_required.

The loaders turn every flask-jwt-extended failure into our error envelope, look the
user up on each request (so a deactivated account is refused at once) and ask whether
a token was revoked. Which user an id names and which tokens are revoked are the
domains' answers, handed in by the app factory (``init_jwt``): this module imports no
domain.
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
from flask_jwt_extended import get_current_user, get_jwt, verify_jwt_in_request
from flask_smorest.utils import deepupdate
from werkzeug.local import LocalProxy

from jobhub.errors import (
    AccountDisabled,
    Forbidden,
    NotFound,
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


def _user_loader(find_user: Callable[[int], Any]) -> Callable[[dict, dict], Any]:
    """The token's user, looked up on every request; a disabled account is refused."""

    def load(_header: dict, payload: dict) -> Any:
        user = find_user(int(payload["sub"]))
        if user is None or user.deleted_at is not None:
            return None
        g.user_id = user.id
        if not user.is_active:
            raise AccountDisabled()
        return user

    return load


def _unauthorized(reason: str) -> Any:
    return error_response(401, "unauthorized", f"Authentication is required: {reason}.")


def _invalid_token(reason: str) -> Any:
    return error_response(401, "unauthorized", f"The token is invalid: {reason}.")


def init_jwt(
    app: Flask,
    *,
    find_user: Callable[[int], Any],
    is_revoked: Callable[[dict[str, Any]], bool],
) -> None:
    """Bind the JWT manager: ``find_user(id)`` and ``is_revoked(payload)`` come from domains."""
    jwt.init_app(app)
    # Key ids: the current key signs, previous keys still verify (jobhub/jwt_keys.py).
    jwt.additional_headers_loader(signing_headers)
    jwt.encode_key_loader(signing_key)
    jwt.decode_key_loader(verification_key)
    jwt.user_lookup_loader(_user_loader(find_user))
    jwt.token_in_blocklist_loader(lambda _header, payload: is_revoked(payload))
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
    """Authenticate: require a valid token (of the given roles, if any); document it in OpenAPI.

    Naming roles is the whole decision for endpoints that only a role decides (admins'
    moderation, candidates' saved searches); anything that depends on the caller's
    relation to a row or its state is a policy, refused with ``authorize``. A caller
    whose role is not allowed gets 403: they may see that the endpoint exists.
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
        # The roles, when named, as an extension that also declares the 403 (apidocs).
        manual = {"security": BEARER, **({"x-roles": list(roles)} if roles else {})}
        docs["manual_doc"] = deepupdate(docs.get("manual_doc", {}), manual)
        wrapper._apidoc = docs  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def auth_optional(view: F) -> F:
    """Authenticate when a token is sent (a bad one is still refused); anonymous otherwise.

    The view reads its caller with ``optional_user()``: None when anonymous.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verify_jwt_in_request(optional=True)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def optional_user() -> Any:
    """The caller of an ``auth_optional`` view, or None."""
    return get_current_user()


def authorize(allowed: bool, message: str | None = None, *, hidden: bool = False) -> None:
    """Turn a policy's answer into the error, the one place a view refuses.

    A refusal is 403; ``hidden`` makes it 404 where the caller may not even learn that
    the thing exists (another user's resume, session or profile).
    """
    if not allowed:
        raise NotFound(message) if hidden else Forbidden(message)


def role_required(*roles: str) -> Callable[[F], F]:
    """``auth_required`` naming at least one role: the others get 403."""
    if not roles:
        raise ValueError("role_required needs at least one role; use auth_required()")
    return auth_required(*roles)


def current_token() -> dict:
    """The verified JWT payload of this request."""
    return get_jwt()
