"""Rate-limit keys and configured limits for the account endpoints, and the socket.io
event limit (a core library).

Each limited endpoint counts per client IP and, when its body names an email, per
normalised email as well, so neither many addresses from one IP nor one address from
many IPs gets past the limit. Emails are hashed: no address is stored in Redis.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import partial

import jwt
import redis
from flask import Flask, Response, current_app, request
from flask_limiter.util import get_remote_address
from limits import parse

from jobhub.errors import RateLimited, ServiceUnavailable
from jobhub.extensions import limiter

log = logging.getLogger(__name__)


def client_ip_key() -> str:
    return f"ip:{get_remote_address()}"


def email_key() -> str:
    """The body's normalised email (JSON, or a form such as the admin panel's sign-in),
    hashed; empty (limit skipped) when there is none."""
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else request.form.get("email")
    return _email_bucket(email)


def _email_bucket(email: object) -> str:
    if not isinstance(email, str) or not email.strip():
        return ""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"email:{digest}"


def subject_token_email_key() -> str:
    """The ``email`` claim of the body's ``subject_token`` (a token exchange), read without
    verifying it, in login's per-email bucket; empty (limit skipped) when there is none."""
    data = request.get_json(silent=True)
    token = data.get("subject_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or token.count(".") != 2:
        return ""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return ""
    return _email_bucket(claims.get("email"))


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def forgot_limit() -> str:
    return current_app.config["RATELIMIT_PASSWORD_FORGOT"]


def sensitive_limit() -> str:
    return current_app.config["RATELIMIT_ACCOUNT_SENSITIVE"]


def mfa_limit() -> str:
    return current_app.config["RATELIMIT_MFA"]


def token_subject_key(token: object) -> str:
    """The ``sub`` of a JWT, read without verifying it: only to pick a rate-limit bucket
    (a forged subject buys nothing, as the token is verified by the endpoint)."""
    if not isinstance(token, str) or token.count(".") != 2:
        return ""
    try:
        subject = jwt.decode(token, options={"verify_signature": False}).get("sub")
    except jwt.PyJWTError:
        return ""
    return f"user:{subject}" if isinstance(subject, str) and subject.isdigit() else ""


def mfa_token_user_key() -> str:
    """The user the body's ``mfa_token`` names; empty (limit skipped) when there is none."""
    data = request.get_json(silent=True)
    return token_subject_key(data.get("mfa_token") if isinstance(data, dict) else None)


def bearer_user_key() -> str:
    """The user of the request's bearer token; empty (limit skipped) when there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token_subject_key(token.strip()) if scheme.lower() == "bearer" else ""


def check_socket_event(event: str, *, user_id: int) -> None:
    """Count one socket.io ``event`` of the user against ``SOCKETIO_EVENT_RATE``.

    In the rate limiter's storage (Redis when configured), so every tab and process of
    the user shares the budget; over it, ``RateLimited`` (the client's acknowledgement
    says ``rate_limited``).
    """
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    item = parse(current_app.config["SOCKETIO_EVENT_RATE"])
    try:
        allowed = limiter.limiter.hit(item, "socketio", event, str(user_id))
    except redis.RedisError as exc:
        raise ServiceUnavailable("Rate limiting is unavailable; retry later.") from exc
    if not allowed:
        raise RateLimited(f"Too many {event} events; slow down.")


def tolerate_header_failures(app: Flask) -> None:
    """Keep a response whose rate-limit headers cannot be read (Redis went down after the
    request's limits were checked): sent without them, instead of Flask-Limiter raising
    in ``after_request``, which turns a request that succeeded, and may have committed,
    into a bare 500. The check itself still fails closed (503: ``errors.py``)."""
    functions = app.after_request_funcs.setdefault(None, [])
    for index, function in enumerate(functions):
        # Registered as ``partial(Limiter.__inject_headers, limiter)``, or a bound method.
        owner = function.args[0] if isinstance(function, partial) and function.args else None
        if limiter in (owner, getattr(function, "__self__", None)):
            functions[index] = _without_headers_on_redis_errors(function)
    # A disabled limiter registers no hook: nothing to wrap. The Redis-outage test under
    # gunicorn (tests/core/test_redis_outage_server.py) fails if the hook's shape changes.


def _without_headers_on_redis_errors(
    inject: Callable[[Response], Response],
) -> Callable[[Response], Response]:
    def inject_headers(response: Response) -> Response:
        try:
            return inject(response)
        except redis.RedisError as exc:
            log.warning("rate-limit headers left out, Redis unavailable: %s", exc)
            return response

    return inject_headers
