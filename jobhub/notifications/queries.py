"""Reading notifications: a user's own (and nobody else's), their unread count, filters."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from jobhub.db import db
from jobhub.errors import NotFound
from jobhub.notifications.models import Notification, notification_type
from jobhub.users.models import User


def has_notifications(*, user: User) -> bool:
    """Whether the user has any notification at all."""
    return db.session.scalar(own_notifications(user=user).limit(1)) is not None


def own_notifications(*, user: User) -> Select:
    """The rows a user may see: their own, and nobody else's."""
    return select(Notification).where(Notification.user_id == user.id)


def list_notifications(
    *, user: User, unread: bool | None = None, type: str | None = None
) -> Select:
    """The user's notifications, newest first; ``unread`` True/False keeps unread/read ones."""
    query = own_notifications(user=user)
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    if type is not None:
        query = query.where(Notification.type == notification_type(type).value)
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread."""
    query = select(func.count()).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def get_notification(*, user: User, notification_id: int) -> Notification:
    """One of the user's notifications; anyone else's is not found (404)."""
    query = own_notifications(user=user).where(Notification.id == notification_id)
    notification = db.session.scalar(query)
    if notification is None:
        raise NotFound("Notification not found.")
    return notification
