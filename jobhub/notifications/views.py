"""Notification endpoints (SPEC §6): the REST views, then the socket.io handlers.

REST: the caller's own notifications and channel preferences. Socket.IO: an
authenticated connect into the user's room, and ``mark_read``; the handlers are
registered on ``jobhub.extensions.socketio`` when this module is imported, which the app
factory does before ``init_app`` (STACK-NOTES trap 4). The protocol is in
docs/socketio.md.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_jwt_extended import decode_token
from flask_smorest import Blueprint
from flask_socketio import ConnectionRefusedError, join_room
from jwt import ExpiredSignatureError, InvalidTokenError

from jobhub import metrics
from jobhub.auth.services import is_token_revoked
from jobhub.db import transaction
from jobhub.errors import (
    AccountDisabled,
    JobHubError,
    RateLimited,
    TokenExpired,
    TokenRevoked,
    Unauthorized,
    ValidationError,
)
from jobhub.extensions import socketio
from jobhub.limits import check_socket_event
from jobhub.notifications import queries, services
from jobhub.notifications.live import services as live
from jobhub.notifications.schemas import (
    BulkDeleteResultSchema,
    BulkDeleteSchema,
    NotificationListArgs,
    NotificationSchema,
    PreferencesSchema,
    PreferencesUpdateSchema,
    ReadAllResultSchema,
    UnreadCountSchema,
)
from jobhub.pagination import PAGINATION, paginated_in_one
from jobhub.security import SETUP_ONLY_CLAIM, auth_required, current_user
from jobhub.users.models import User
from jobhub.users.services import get_user

blp = Blueprint(
    "notifications",
    __name__,
    description="Your notifications and how you receive them (live over socket.io too).",
)


@blp.route("")
@auth_required()
@blp.arguments(NotificationListArgs, location="query", as_kwargs=True)
@blp.response(200, NotificationSchema(many=True))
@blp.paginate(**PAGINATION)
def list_notifications(pagination_parameters: Any, **filters: Any) -> list:
    """Your notifications, newest first; filter by `unread` and `type`."""
    query = queries.list_notifications(user=current_user, **filters)
    return paginated_in_one(query, pagination_parameters)


@blp.route("/unread-count")
@auth_required()
@blp.response(200, UnreadCountSchema)
def unread_count() -> dict:
    """How many of your notifications are unread."""
    return {"count": queries.unread_count(user=current_user)}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@auth_required()
@blp.response(200, NotificationSchema)
@blp.alt_response(404, response="DEFAULT_ERROR", description="Not one of yours.")
def mark_read(notification_id: int) -> Any:
    """Mark one notification read."""
    return services.mark_read(user=current_user, notification_id=notification_id)


@blp.route("/<int:notification_id>/unread", methods=["POST"])
@auth_required()
@blp.response(200, NotificationSchema)
@blp.alt_response(404, response="DEFAULT_ERROR", description="Not one of yours.")
def mark_unread(notification_id: int) -> Any:
    """Mark one notification unread again."""
    return services.mark_unread(user=current_user, notification_id=notification_id)


@blp.route("/read-all", methods=["POST"])
@auth_required()
@blp.response(200, ReadAllResultSchema)
def read_all() -> dict:
    """Mark all your notifications read."""
    return {"updated": services.mark_all_read(user=current_user)}


@blp.route("/<int:notification_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
@blp.alt_response(404, response="DEFAULT_ERROR", description="Not one of yours.")
def delete(notification_id: int) -> None:
    """Delete one notification."""
    services.delete_notification(user=current_user, notification_id=notification_id)


@blp.route("/bulk-delete", methods=["POST"])
@auth_required()
@blp.arguments(BulkDeleteSchema)
@blp.response(200, BulkDeleteResultSchema)
def bulk_delete(payload: dict) -> dict:
    """Delete several of your notifications; ids that are not yours are ignored."""
    return {"deleted": services.delete_notifications(user=current_user, ids=payload["ids"])}


@blp.route("/preferences")
@auth_required()
@blp.response(200, PreferencesSchema)
def get_preferences() -> dict:
    """Your channels (in-app, email) for every notification type."""
    return services.get_preferences(user=current_user)


@blp.route("/preferences", methods=["PUT"])
@auth_required()
@blp.arguments(PreferencesUpdateSchema)
@blp.response(200, PreferencesSchema)
def put_preferences(changes: dict) -> dict:
    """Change the channels of the types named (others keep theirs); returns them all."""
    return services.update_preferences(user=current_user, changes=changes)


# -- socket.io -------------------------------------------------------------------------

log = logging.getLogger(__name__)

# Kept in the connection's WSGI environ, which Flask-SocketIO reuses for all its events.
_USER_ID = "jobhub.socket_user_id"
_COUNTED = "jobhub.socket_counted"  # in the connections gauge


def _refuse(error: JobHubError) -> ConnectionRefusedError:
    """A refusal the client sees as ``connect_error``: ``{message, data: {error}}``."""
    return ConnectionRefusedError(error.message, {"error": error.error})


def _bearer(auth: Any) -> str:
    token = auth.get("token") if isinstance(auth, dict) else None
    if not isinstance(token, str) or not token.strip():
        raise Unauthorized('Authentication is required: send auth={"token": "<access token>"}.')
    token = token.strip()
    return token[7:].strip() if token[:7].lower() == "bearer " else token


def _decode(token: str) -> dict[str, Any]:
    """The verified payload of an access token (signature, expiry, issuer, audience)."""
    try:
        payload = decode_token(token)
    except ExpiredSignatureError:
        raise TokenExpired() from None
    except (InvalidTokenError, ValueError, KeyError):
        raise Unauthorized("The token is invalid.") from None
    if payload.get("type") != "access":
        raise Unauthorized("An access token is required, not a refresh token.")
    if payload.get(SETUP_ONLY_CLAIM):
        raise Unauthorized("This token is only for setting up two-factor sign-in.")
    if not str(payload.get("sub", "")).isdigit():
        raise Unauthorized("The token is invalid.")
    return payload


def _active_user(user_id: int) -> User:
    user = get_user(user_id=user_id)
    if user is None or user.deleted_at is not None:
        raise Unauthorized("The token's user no longer exists.")
    if not user.is_active:
        raise AccountDisabled()
    return user


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Refuse anything but a live access token of an active user; join the user's room."""
    sid = request.sid  # type: ignore[attr-defined]
    try:
        payload = _decode(_bearer(auth))
        user_id = int(payload["sub"])
    except JobHubError as exc:
        raise _refuse(exc) from None
    registry = live.registry()
    registered = False
    try:
        # Registered before the revocation check: a logout that revokes the token either
        # sees this socket in the registry and closes it, or the check below refuses it.
        registry.add(user_id, sid, payload)
        registered = True
        _check_connection_limit(registry, user_id)
        if is_token_revoked(payload):
            raise TokenRevoked()
        user = _active_user(user_id)
        request.environ[_USER_ID] = user_id
        # The room first, then the count: a notification committed in between is both
        # pushed to this socket and counted.
        join_room(live.user_room(user_id))
        count = queries.unread_count(user=user)
    except Exception as exc:
        if registered:
            registry.remove(user_id, sid)
        if not isinstance(exc, JobHubError):
            log.exception("socket.io connect failed")
            raise ConnectionRefusedError(
                "An unexpected error occurred.", {"error": "internal_error"}
            ) from None
        raise _refuse(exc) from None
    request.environ[_COUNTED] = True
    metrics.socket_opened()
    # JavaScript clients buffer events that precede the connect acknowledgement.
    socketio.emit(live.UNREAD_COUNT_EVENT, {"count": count}, to=sid, namespace=live.NAMESPACE)


def _check_connection_limit(registry: live.SocketRegistry, user_id: int) -> None:
    """At most SOCKETIO_MAX_CONNECTIONS_PER_USER open sockets per user (this one counted)."""
    limit = current_app.config["SOCKETIO_MAX_CONNECTIONS_PER_USER"]
    if limit and len(registry.sockets(user_id)) > limit:
        raise RateLimited(f"At most {limit} live connections per user; close another first.")


@socketio.on("disconnect")
def on_disconnect(reason: Any = None) -> None:
    if request.environ.pop(_COUNTED, False):
        metrics.socket_closed()
    user_id = request.environ.get(_USER_ID)
    if user_id is not None:
        live.registry().remove(user_id, request.sid)  # type: ignore[attr-defined]


def _acknowledged(handler: Callable[..., dict]) -> Callable[..., dict]:
    """Turn an error into an acknowledgement ``{error, message}`` instead of silence."""

    @functools.wraps(handler)
    def wrapper(*args: Any) -> dict:
        try:
            return handler(*args)
        except JobHubError as exc:
            ack: dict[str, Any] = {"error": exc.error, "message": exc.message}
            if exc.errors:
                ack["errors"] = exc.errors
            return ack
        except Exception:
            log.exception("socket.io event failed")
            return {"error": "internal_error", "message": "An unexpected error occurred."}

    return wrapper


@socketio.on("mark_read")
@_acknowledged
def on_mark_read(data: Any = None) -> dict:
    """``mark_read`` ``{id}`` → ack ``{id, count}``; every tab of the user gets ``unread_count``."""
    notification_id = data.get("id") if isinstance(data, dict) else None
    if type(notification_id) is not int or notification_id < 1:
        raise ValidationError(
            errors={"id": ["A notification id (a positive integer) is required."]}
        )
    user_id = request.environ.get(_USER_ID)
    if user_id is None:
        raise Unauthorized()
    check_socket_event("mark_read", user_id=user_id)
    with transaction():
        user = _active_user(user_id)
        services.mark_read(user=user, notification_id=notification_id)
        count = queries.unread_count(user=user)
    return {"id": notification_id, "count": count}
