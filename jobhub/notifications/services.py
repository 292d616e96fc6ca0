"""Notification services: ``notify`` (the only way one is created), reading, preferences.

Every change that alters what a user's sockets show is pushed after commit: a new
notification as ``notification`` then ``unread_count``; a read, unread or delete as
``unread_count`` to all of the user's tabs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from jobhub.db import db, utcnow
from jobhub.notifications.email.services import queue_notification_email
from jobhub.notifications.live import services as live
from jobhub.notifications.models import (
    DEFAULT_PREFERENCES,
    TITLE_MAX_LENGTH,
    Channels,
    Notification,
    NotificationPreference,
    NotificationType,
    notification_type,
)
from jobhub.notifications.queries import get_notification
from jobhub.users.models import Role, User


def notify(
    *, user: User, type: str, title: str, body: str, data: dict[str, Any] | None = None
) -> Notification | None:
    """Raise a notification: stored if in-app is on, mailed if email is on, pushed after commit.

    Returns the stored notification, or None when the user turned in-app off for this
    type or the account was deleted. Nothing is pushed or mailed unless the caller's
    transaction commits.
    """
    kind = notification_type(type)
    data = dict(data or {})
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"notification data must be JSON-serialisable: {exc}") from None
    title = _shorten(title.strip(), TITLE_MAX_LENGTH)
    if user.deleted_at is not None:
        return None
    channels = channels_for(user_id=user.id, kind=kind)

    notification = None
    if channels.in_app:
        notification = Notification(
            user_id=user.id, type=kind.value, title=title, body=body, data=data
        )
        db.session.add(notification)
        db.session.flush()
        live.push_notification(notification=notification)
    if channels.email:
        queue_notification_email(
            user=user, type=kind.value, title=title, body=body, data=data, notification=notification
        )
    return notification


_WELCOME_BODY = {
    Role.CANDIDATE: (
        "Complete your profile and upload a resume: we will match you with jobs and "
        "tell you here, live, whenever an application moves."
    ),
    Role.EMPLOYER: (
        "Create your company and post your first job: new applications and interview "
        "updates will show up here as they happen."
    ),
    Role.ADMIN: "Reported and pending jobs wait for you in the moderation queue.",
}


def welcome(*, user: User) -> Notification | None:
    """The ``account.welcome`` notification of a new account."""
    first_name = user.full_name.split()[0] if user.full_name.strip() else "there"
    return notify(
        user=user,
        type=NotificationType.ACCOUNT_WELCOME,
        title=f"Welcome to JobHub, {first_name}!",
        body=_WELCOME_BODY[user.role],
        data={"role": user.role.value},
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- marking ----------------------------------------------------------


def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (idempotent)."""
    return _set_read(user, notification_id, read=True)


def mark_unread(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications unread again (idempotent)."""
    return _set_read(user, notification_id, read=False)


def _set_read(user: User, notification_id: int, *, read: bool) -> Notification:
    notification = get_notification(user=user, notification_id=notification_id)
    if (notification.read_at is not None) != read:
        notification.read_at = utcnow() if read else None
        db.session.flush()
        live.push_unread_count(user_id=user.id)
    return notification


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    changed = result.rowcount or 0
    if changed:
        live.push_unread_count(user_id=user.id)
    return changed


def delete_notification(*, user: User, notification_id: int) -> None:
    """Delete one of the user's notifications."""
    notification = get_notification(user=user, notification_id=notification_id)
    was_unread = notification.read_at is None
    db.session.delete(notification)
    db.session.flush()
    if was_unread:
        live.push_unread_count(user_id=user.id)


def delete_notifications(*, user: User, ids: Iterable[int]) -> int:
    """Delete those of ``ids`` that are the user's; others' ids are ignored. Returns the count."""
    wanted = set(ids)
    if not wanted:
        return 0
    result = db.session.execute(
        delete(Notification)
        .where(Notification.user_id == user.id, Notification.id.in_(wanted))
        .execution_options(synchronize_session=False)
    )
    deleted = result.rowcount or 0
    if deleted:
        live.push_unread_count(user_id=user.id)
    return deleted


# -- preferences ----------------------------------------------------------------------


def channels_for(*, user_id: int, kind: NotificationType) -> Channels:
    """The channels a user gets for one type: their choice, or the type's default."""
    row = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.type == kind.value
        )
    )
    if row is None:
        return DEFAULT_PREFERENCES[kind]
    return Channels(in_app=row.in_app, email=row.email)


def get_preferences(*, user: User) -> dict[str, dict[str, bool]]:
    """Every type with its channels: the user's choices over the defaults."""
    rows = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
    chosen = {row.type: Channels(in_app=row.in_app, email=row.email) for row in rows}
    return {
        kind.value: _as_dict(chosen.get(kind.value, defaults))
        for kind, defaults in DEFAULT_PREFERENCES.items()
    }


def update_preferences(
    *, user: User, changes: Mapping[str, Mapping[str, bool]]
) -> dict[str, dict[str, bool]]:
    """Change the channels of the named types only (either channel may be left out)."""
    kinds = {notification_type(name): values for name, values in changes.items()}
    rows = {
        row.type: row
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for kind, values in kinds.items():
        row = rows.get(kind.value)
        if row is None:
            defaults = DEFAULT_PREFERENCES[kind]
            row = NotificationPreference(
                user_id=user.id, type=kind.value, in_app=defaults.in_app, email=defaults.email
            )
            db.session.add(row)
        if "in_app" in values:
            row.in_app = bool(values["in_app"])
        if "email" in values:
            row.email = bool(values["email"])
    db.session.flush()
    return get_preferences(user=user)


def _as_dict(channels: Channels) -> dict[str, bool]:
    return {"in_app": channels.in_app, "email": channels.email}


# -- account lifecycle ------------------------------------------------------------------


def delete_user_data(*, user_id: int) -> None:
    """Forget a user's notifications and preferences, and close their live connections."""
    db.session.execute(delete(Notification).where(Notification.user_id == user_id))
    db.session.execute(
        delete(NotificationPreference).where(NotificationPreference.user_id == user_id)
    )
    live.disconnect_user(user_id=user_id)


def redact_name(
    *,
    recipient_ids: Iterable[int],
    data_key: str,
    data_values: Iterable[int],
    name: str,
    replacement: str,
) -> int:
    """Replace ``name`` in the titles and bodies of the notifications these users got about
    these objects (``data[data_key]`` among ``data_values``); how many changed.

    For a deleted account: what others were told about it stops naming the person.
    """
    recipients, values = set(recipient_ids), set(data_values)
    if not name or not recipients or not values:
        return 0
    changed = 0
    for notification in db.session.scalars(
        select(Notification).where(
            Notification.user_id.in_(recipients),
            Notification.data[data_key].as_integer().in_(values),
        )
    ):
        title = notification.title.replace(name, replacement)
        body = notification.body.replace(name, replacement)
        if (title, body) != (notification.title, notification.body):
            notification.title, notification.body = title, body
            changed += 1
    return changed


def purge_read(*, read_before: datetime) -> int:
    """Delete every notification read before ``read_before``; unread ones are kept."""
    result = db.session.execute(
        delete(Notification)
        .where(Notification.read_at.is_not(None), Notification.read_at < read_before)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
