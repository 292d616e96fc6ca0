"""Errors: JobHubError and its subclasses, and the one handler that writes the envelope.

Every error status leaves the app as the same JSON shape (SPEC §1), whoever raised it:
our services, marshmallow validation, werkzeug, flask-jwt-extended or Flask-Limiter.
"""

from __future__ import annotations

import logging
import re
import uuid
from http import HTTPStatus
from typing import Any

import marshmallow as ma
import redis
from flask import Flask, Response, g, jsonify
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from jobhub.db import db

log = logging.getLogger(__name__)


class JobHubError(Exception):
    """Base of every error our code raises on purpose; the status lives on the class."""

    status_code = 400
    error = "bad_request"
    message = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.errors = errors
        self.headers = headers or {}


class BadRequest(JobHubError):
    message = "The request is malformed."


class ValidationError(JobHubError):
    status_code = 422
    error = "validation_error"
    message = "The request's data failed validation."


class Unauthorized(JobHubError):
    status_code = 401
    error = "unauthorized"
    message = "Authentication is required."


class TokenExpired(Unauthorized):
    error = "token_expired"
    message = "The token has expired."


class TokenRevoked(Unauthorized):
    error = "token_revoked"
    message = "The token has been revoked."


class Forbidden(JobHubError):
    status_code = 403
    error = "forbidden"
    message = "You may not do this."


class AccountDisabled(Forbidden):
    error = "account_disabled"
    message = "This account is disabled."


class NotFound(JobHubError):
    status_code = 404
    error = "not_found"
    message = "Not found."


class Conflict(JobHubError):
    status_code = 409
    error = "conflict"
    message = "The request conflicts with the current state."


class Duplicate(Conflict):
    error = "duplicate"
    message = "This already exists."


class InvalidTransition(Conflict):
    error = "invalid_transition"
    message = "This status change is not allowed."


class Gone(JobHubError):
    status_code = 410
    error = "gone"
    message = "This resource existed but is no longer available."


class PayloadTooLarge(JobHubError):
    status_code = 413
    error = "payload_too_large"
    message = "The request body is too large."


class UnsupportedMediaType(JobHubError):
    status_code = 415
    error = "unsupported_media_type"
    message = "This media type is not supported."


class RateLimited(JobHubError):
    status_code = 429
    error = "rate_limited"
    message = "Too many requests; retry later."


class ServiceUnavailable(JobHubError):
    status_code = 503
    error = "service_unavailable"
    message = "A service this request needs is unavailable."


# Machine codes for errors raised outside our code (werkzeug, webargs, the limiter).
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}
HTTP_ERROR_MESSAGES = {
    404: "Not found.",
    405: "This method is not allowed on this resource.",
    413: "The request body is too large.",
    422: "The request's data failed validation.",
    429: "Too many requests; retry later.",
    500: "An unexpected error occurred; it has been logged.",
}


class ErrorEnvelopeSchema(ma.Schema):
    """The error envelope, for the OpenAPI document."""

    code = ma.fields.Integer(metadata={"example": 422})
    status = ma.fields.String(metadata={"example": "Unprocessable Entity"})
    error = ma.fields.String(metadata={"example": "validation_error"})
    message = ma.fields.String(metadata={"example": "The request's data failed validation."})
    errors = ma.fields.Dict(metadata={"example": {"json": {"email": ["Not a valid email."]}}})
    request_id = ma.fields.String(metadata={"example": "9f1c2e7a5b"})


def error_response(
    status_code: int,
    error: str,
    message: str,
    *,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Write the envelope. The only place an error body is built."""
    body: dict[str, Any] = {
        "code": status_code,
        "status": HTTPStatus(status_code).phrase,
        "error": error,
        "message": message,
    }
    if errors:
        body["errors"] = errors
    if not g.get("request_id"):
        # Raised before the request cycle began (e.g. by the limiter's own before_request).
        g.request_id = uuid.uuid4().hex
    body["request_id"] = g.get("request_id")
    response = jsonify(body)
    response.status_code = status_code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def jobhub_error_response(exc: JobHubError) -> Response:
    return error_response(
        exc.status_code, exc.error, exc.message, errors=exc.errors, headers=exc.headers
    )


def _http_error_response(exc: HTTPException) -> Response:
    code = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message") or HTTP_ERROR_MESSAGES.get(code) or exc.description
    headers = dict(data.get("headers") or {})
    # Keep what werkzeug meant to send (Allow on 405, WWW-Authenticate on 401).
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            headers.setdefault(name, value)
    if code == 429:
        message = f"{HTTP_ERROR_MESSAGES[429][:-1]} (limit: {exc.description})."
    error = HTTP_ERROR_CODES.get(code) or HTTPStatus(code).phrase.lower().replace(" ", "_")
    return error_response(code, error, message, errors=errors, headers=headers)


def _redis_unavailable_response(exc: redis.RedisError) -> Response:
    # Rate limits, revocation and the cache all live in Redis: an outage is a 503, not a bug.
    log.warning("redis unavailable: %s", exc)
    return error_response(503, "service_unavailable", ServiceUnavailable.message)


DATABASE_UNAVAILABLE = "The database is unavailable; try again shortly."


def database_unavailable_response(exc: Exception) -> Response:
    """A database that is down, full or out of connections is a 503, like Redis's outage."""
    log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
    db.session.rollback()
    return error_response(503, "service_unavailable", DATABASE_UNAVAILABLE)


_FK_COLUMN = re.compile(r"Key \(([^)]+)\)")


def _integrity_error_response(exc: IntegrityError) -> Response:
    """A flush refused by a constraint: an unknown foreign key is the client's 422 (a
    schema's ``Id(references=...)`` names it first where it can), anything else a 409."""
    db.session.rollback()
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23503" or "FOREIGN KEY" in str(orig):
        detail = getattr(getattr(orig, "diag", None), "message_detail", None) or ""
        match = _FK_COLUMN.search(detail)
        errors = {"json": {match.group(1): ["No such row."]}} if match else None
        message = "The request refers to something that does not exist."
        return error_response(422, "validation_error", message, errors=errors)
    log.info("flush refused by a database constraint", exc_info=True)
    return error_response(409, "conflict", "The change conflicts with the current data.")


def _unexpected_error_response(exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    db.session.rollback()
    return error_response(500, "internal_error", HTTP_ERROR_MESSAGES[500])


def register_error_handlers(app: Flask) -> None:
    """Registered after flask-smorest's own handler, so ours writes every error."""
    app.register_error_handler(JobHubError, jobhub_error_response)
    app.register_error_handler(HTTPException, _http_error_response)
    app.register_error_handler(redis.RedisError, _redis_unavailable_response)
    app.register_error_handler(OperationalError, database_unavailable_response)
    app.register_error_handler(IntegrityError, _integrity_error_response)
    app.register_error_handler(PoolTimeout, database_unavailable_response)
    app.register_error_handler(Exception, _unexpected_error_response)
