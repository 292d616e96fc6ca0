"""Live delivery over socket.io: pushes after commit, and the registry of open sockets.

The socket.io handlers themselves (connect, ``mark_read``) are in ``notifications.views``.

Every emit goes through ``jobhub.extensions.socketio``, which every process (web,
Celery worker, CLI) initialises with the Redis message queue when ``REDIS_URL`` is
set, so a push from any process reaches the sockets held by any web process.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy import func, select

from jobhub.db import after_commit_batch, db, on_commit
from jobhub.errors import ServiceUnavailable
from jobhub.extensions import redis_store, socketio
from jobhub.notifications.models import Notification
from jobhub.notifications.schemas import NotificationSchema

log = logging.getLogger(__name__)

NAMESPACE = "/"
NOTIFICATION_EVENT = "notification"
UNREAD_COUNT_EVENT = "unread_count"
_REGISTRY_PREFIX = "jobhub:sockets:user:"
_payload = NotificationSchema()
# A user's socket set expires this long after their last connect; every connect renews it.
_REGISTRY_TTL_SECONDS = 7 * 24 * 3600


def user_room(user_id: int) -> str:
    """The private room every socket of a user joins."""
    return f"user:{user_id}"


# -- pushes, sent once the transaction commits ------------------------------------


@dataclass
class _Pushes:
    """What one transaction will push: notifications in order, then one count per user."""

    notifications: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    count_for: dict[int, None] = field(default_factory=dict)  # ordered set of user ids


def _pushes() -> _Pushes:
    return after_commit_batch("jobhub.socketio", _Pushes, _deliver)


def push_notification(*, notification: Notification) -> None:
    """After commit, send ``notification`` to the user's sockets, then ``unread_count``.

    The payload is the notification as the REST API shows it, taken now: after the
    commit the row may no longer be read.
    """
    pushes = _pushes()
    pushes.notifications.append((notification.user_id, _payload.dump(notification)))
    pushes.count_for[notification.user_id] = None


def push_unread_count(*, user_id: int) -> None:
    """After commit, send the user's sockets their fresh ``unread_count``."""
    _pushes().count_for[user_id] = None


def _deliver(pushes: _Pushes) -> None:
    for user_id, payload in pushes.notifications:
        socketio.emit(NOTIFICATION_EVENT, payload, to=user_room(user_id), namespace=NAMESPACE)
    if not pushes.count_for:
        return
    counts = committed_unread_counts(pushes.count_for)
    for user_id in pushes.count_for:
        socketio.emit(
            UNREAD_COUNT_EVENT,
            {"count": counts.get(user_id, 0)},
            to=user_room(user_id),
            namespace=NAMESPACE,
        )


def committed_unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Unread counts as committed, read on a connection of its own.

    This runs after the commit, when the session may not emit SQL any more.
    """
    ids = list(user_ids)
    query = (
        select(Notification.user_id, func.count())
        .where(Notification.user_id.in_(ids), Notification.read_at.is_(None))
        .group_by(Notification.user_id)
    )
    with db.engine.connect() as connection:
        return {user_id: count for user_id, count in connection.execute(query)}


# -- which sockets are open, in every process ---------------------------------------


class SocketRegistry:
    """Each user's open sockets with the token they connected with.

    In Redis (shared by every process) or in this process (embedded default). Closing a
    user's connections from any process needs their ids: with the Redis message queue,
    ``disconnect(sid)`` reaches the process that holds the socket; the token tells
    which login (session) each socket belongs to.
    """

    def __init__(self, app: Flask) -> None:
        self._redis = redis_store.client(app)
        self._local: dict[int, dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def add(self, user_id: int, sid: str, token: dict[str, Any]) -> None:
        if self._redis is None:
            with self._lock:
                self._local.setdefault(user_id, {})[sid] = token
            return
        key = _REGISTRY_PREFIX + str(user_id)
        try:
            with self._redis.pipeline() as pipe:
                pipe.hset(key, sid, json.dumps(token)).expire(key, _REGISTRY_TTL_SECONDS)
                pipe.execute()
        except redis.RedisError as exc:
            raise ServiceUnavailable("Live notifications are unavailable; retry later.") from exc

    def remove(self, user_id: int, sid: str) -> None:
        if self._redis is None:
            with self._lock:
                self._local.get(user_id, {}).pop(sid, None)
            return
        try:
            self._redis.hdel(_REGISTRY_PREFIX + str(user_id), sid)
        except redis.RedisError:
            # A stale entry costs nothing: disconnecting an unknown socket is a no-op.
            log.warning("could not unregister socket %s of user %s", sid, user_id)

    def sockets(self, user_id: int) -> dict[str, dict[str, Any]]:
        """The user's socket ids, each with the decoded token it connected with."""
        if self._redis is None:
            with self._lock:
                return dict(self._local.get(user_id, {}))
        entries = self._redis.hgetall(_REGISTRY_PREFIX + str(user_id))
        return {_text(sid): json.loads(token) for sid, token in entries.items()}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def registry(app: Flask | None = None) -> SocketRegistry:
    """This app's socket registry."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("jobhub_sockets")
    if found is None:
        found = app.extensions.setdefault("jobhub_sockets", SocketRegistry(app))
    return found


def disconnect_user(*, user_id: int, only: Callable[[dict[str, Any]], bool] | None = None) -> None:
    """After commit, close the user's live connections, in whichever process holds them.

    ``only`` picks sockets by the decoded token they connected with (e.g. those whose
    session was ended); it is asked now, inside the transaction, which sees its changes.
    """
    sockets = registry().sockets(user_id)
    sids = [sid for sid, token in sockets.items() if only is None or only(token)]
    if sids:
        on_commit(lambda: close_connections(sids))


def close_connections(sids: Iterable[str]) -> None:
    """Close these sockets now: ours here, others through the queue to their process."""
    for sid in sids:
        socketio.server.disconnect(sid, namespace=NAMESPACE)
