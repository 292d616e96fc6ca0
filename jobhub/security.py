"""Authentication, a core library: password hashing, JWT loaders, current_user, auth_required.

The loaders turn every flask-jwt-extended failure into our error envelope, look the
user up on each request (so a deactivated account is refused at once) and ask whether
a token was revoked. Which user an id names and which tokens are revoked are the
domains' answers, handed in by the app factory (``init_jwt``): this module imports no
domain.

Two callers are not plain users. A company's API key (``Authorization: Bearer jh_…``) is
an ``ApiKeyCaller``: it reaches only the routes whose ``auth_required`` names a scope the
key holds (``api_key="jobs:write"``), and there it acts as an employer member of its one
company with no user id. A setup-only token (an admin who must set up two-factor sign-in,
``ADMIN_REQUIRE_2FA``) reaches only the routes marked ``setup_only=True``. Which key a
``jh_`` string is comes from the companies domain (``init_api_keys``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, request
from flask_jwt_extended import current_user as _jwt_current_user
from flask_jwt_extended import get_current_user, get_jwt, verify_jwt_in_request
from flask_smorest.utils import deepupdate
from werkzeug.local import LocalProxy

from jobhub import metrics
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

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
BEARER = [{"bearerAuth": []}]
API_KEY_SECURITY = {"apiKeyAuth": []}
API_KEY_PREFIX = "jh_"
SETUP_ONLY_CLAIM = "mfa_setup_only"
_API_KEYS = "jobhub.api_keys"


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


@dataclass(frozen=True)
class ApiKeyCaller:
    """A company's API key as the caller: not a user (``id`` is None). Within its scopes it
    acts as an employer member of its one company, and of no other."""

    key_id: int
    company_id: int
    scopes: frozenset[str]
    role: str = "employer"  # compares equal to users.models.Role.EMPLOYER
    id: None = None
    is_active: bool = True
    deleted_at: None = None


def _caller() -> Any:
    key = g.get("api_key_caller")
    return key if key is not None else _jwt_current_user._get_current_object()


current_user: Any = LocalProxy(_caller)


def api_key_caller(actor: Any) -> ApiKeyCaller | None:
    """The API key behind ``actor``, or None when the caller is a user (or anonymous)."""
    return actor if isinstance(actor, ApiKeyCaller) else None


def _user_loader(find_user: Callable[[int], Any]) -> Callable[[dict, dict], Any]:
    """The token's user, looked up on every request; a disabled account is refused."""

    def load(_header: dict, payload: dict) -> Any:
        user = find_user(int(payload["sub"]))
        if user is None or user.deleted_at is not None:
            return None
        g.user_id = user.id
        if not user.is_active:
            metrics.auth_denial("disabled")
            raise AccountDisabled()
        return user

    return load


# Our own wording: flask-jwt-extended's and PyJWT's reasons (decoder internals, codec
# errors) go to the debug log, never into a response.
MISSING_AUTH_MESSAGE = "Authentication is required: send 'Authorization: Bearer <access token>'."
INVALID_AUTH_MESSAGE = "The token is invalid."


def _unauthorized(reason: str) -> Any:
    metrics.auth_denial("missing")
    log.debug("no usable token: %s", reason)
    return error_response(401, "unauthorized", MISSING_AUTH_MESSAGE)


def _invalid_token(reason: str) -> Any:
    metrics.auth_denial("invalid")
    log.debug("invalid token: %s", reason)
    return error_response(401, "unauthorized", INVALID_AUTH_MESSAGE)


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
    jwt.expired_token_loader(_denied("expired", TokenExpired()))
    jwt.revoked_token_loader(_denied("revoked", TokenRevoked()))
    jwt.user_lookup_error_loader(
        _denied("user_gone", Unauthorized("The token's user no longer exists."))
    )
    jwt.needs_fresh_token_loader(
        _denied("fresh_required", Unauthorized("A fresh login is required."))
    )
    jwt.token_verification_failed_loader(_denied("invalid", Unauthorized("The token was refused.")))


def _denied(reason: str, error: Any) -> Callable[[dict, dict], Any]:
    """A JWT loader's answer: the envelope of ``error``, counted under ``reason``."""

    def answer(_header: dict, _payload: dict) -> Any:
        metrics.auth_denial(reason)
        return jobhub_error_response(error)

    return answer


def init_api_keys(
    app: Flask,
    *,
    find_key: Callable[[str], ApiKeyCaller | None],
    on_use: Callable[[ApiKeyCaller], None],
) -> None:
    """Bind the API keys: ``find_key(raw)`` (None: unknown, revoked or expired) and
    ``on_use(caller)``, called after a key's successful request that changes something."""
    app.extensions[_API_KEYS] = (find_key, on_use)


def _presented_api_key() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token.startswith(API_KEY_PREFIX) else None


def _authenticate_api_key(raw: str, scope: str | None) -> None:
    """Admit a key to a route naming ``scope``: 401 unknown, revoked or expired, 403 else."""
    find_key, _ = current_app.extensions.get(_API_KEYS, (lambda _raw: None, None))
    caller = find_key(raw)
    if caller is None:
        raise Unauthorized("The API key is unknown, revoked or expired.")
    if scope is None:
        raise Forbidden("API keys cannot use this endpoint.")
    if scope not in caller.scopes:
        raise Forbidden(f"This API key lacks the scope {scope}.")
    g.api_key_caller = caller


def _call_as_key(view: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    result = view(*args, **kwargs)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        current_app.extensions[_API_KEYS][1](g.api_key_caller)
    return result


def _refuse_setup_only(setup_only: bool) -> None:
    if not setup_only and get_jwt().get(SETUP_ONLY_CLAIM):
        raise Forbidden("Set up two-factor sign-in first: POST /auth/2fa/setup, then /enable.")


def _document(view: Any, wrapper: Any, api_key: str | None, roles: tuple[str, ...]) -> None:
    """Same bookkeeping as flask-smorest's Blueprint.doc: the route shows the lock(s), and
    the roles, when named, as ``x-roles`` (jobhub/apidocs/contract.py)."""
    security = [*BEARER, API_KEY_SECURITY] if api_key else BEARER
    docs = deepcopy(getattr(view, "_apidoc", {}))
    manual = {"security": security, **({"x-roles": list(roles)} if roles else {})}
    docs["manual_doc"] = deepupdate(docs.get("manual_doc", {}), manual)
    if api_key:
        docs["manual_doc"] = deepupdate(docs["manual_doc"], {"x-api-key-scope": api_key})
    wrapper._apidoc = docs


def auth_required(
    *roles: str, refresh: bool = False, api_key: str | None = None, setup_only: bool = False
) -> Callable[[F], F]:
    """Authenticate: require a valid token (of the given roles, if any); document it in OpenAPI.

    Naming roles is the whole decision for endpoints that only a role decides (admins'
    moderation, candidates' saved searches); anything that depends on the caller's
    relation to a row or its state is a policy, refused with ``authorize``. A caller
    whose role is not allowed gets 403: they may see that the endpoint exists.
    ``api_key`` names the scope that lets a company's API key in (none: keys get 403);
    ``setup_only`` lets in the token of an admin who must set up two-factor sign-in.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            raw = _presented_api_key()
            if raw is not None and not refresh:
                _authenticate_api_key(raw, api_key)
                return _call_as_key(view, *args, **kwargs)
            verify_jwt_in_request(refresh=refresh)
            _refuse_setup_only(setup_only)
            if roles and current_user.role.value not in roles:
                metrics.auth_denial("role")
                raise Forbidden(f"This action is for: {', '.join(roles)}.")
            return view(*args, **kwargs)

        _document(view, wrapper, api_key, roles)
        return wrapper  # type: ignore[return-value]

    return decorator


def auth_optional(view: F | None = None, *, api_key: str | None = None) -> Any:
    """Authenticate when a token is sent (a bad one is still refused); anonymous otherwise.

    The view reads its caller with ``optional_user()``: None when anonymous. An API key
    is let in when it holds ``api_key`` (none named: keys get 403 here too).
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            raw = _presented_api_key()
            if raw is not None:
                _authenticate_api_key(raw, api_key)
                return _call_as_key(view, *args, **kwargs)
            verify_jwt_in_request(optional=True)
            if get_current_user() is not None:
                _refuse_setup_only(False)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator(view) if view is not None else decorator


def optional_user() -> Any:
    """The caller of an ``auth_optional`` view (a user or an API key), or None."""
    key = g.get("api_key_caller")
    return key if key is not None else get_current_user()


def authorize(allowed: bool, message: str | None = None, *, hidden: bool = False) -> None:
    """Turn a policy's answer into the error, the one place a view refuses.

    A refusal is 403; ``hidden`` makes it 404 where the caller may not even learn that
    the thing exists (another user's resume, session or profile).
    """
    if not allowed:
        metrics.auth_denial("hidden" if hidden else "policy")
        raise NotFound(message) if hidden else Forbidden(message)


def role_required(*roles: str) -> Callable[[F], F]:
    """``auth_required`` naming at least one role: the others get 403."""
    if not roles:
        raise ValueError("role_required needs at least one role; use auth_required()")
    return auth_required(*roles)


def current_token() -> dict:
    """The verified JWT payload of this request."""
    return get_jwt()
