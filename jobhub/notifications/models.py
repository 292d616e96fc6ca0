"""Notifications, their types with default channels, and per-user channel preferences."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, db, utcnow


class NotificationType(enum.StrEnum):
    """Every kind of notification (SPEC §6, plus ``account.welcome``)."""

    APPLICATION_RECEIVED = "application.received"
    APPLICATION_STATUS_CHANGED = "application.status_changed"
    INTERVIEW_SCHEDULED = "interview.scheduled"
    INTERVIEW_UPDATED = "interview.updated"
    INTERVIEW_REMINDER = "interview.reminder"
    JOB_MATCH = "job.match"
    JOB_MODERATED = "job.moderated"
    RESUME_ANALYZED = "resume.analyzed"
    EXPORT_READY = "export.ready"
    IMPORT_FINISHED = "import.finished"
    # Our addition to SPEC §6: sent on registration, so the pipeline works end to end.
    ACCOUNT_WELCOME = "account.welcome"


@dataclass(frozen=True)
class Channels:
    """Whether a notification is kept in-app and whether it is mailed."""

    in_app: bool
    email: bool


# What a user gets before changing anything. Mail is on for what needs action or
# answers something the user waits for; off for what would flood an inbox.
DEFAULT_PREFERENCES: dict[NotificationType, Channels] = {
    NotificationType.APPLICATION_RECEIVED: Channels(in_app=True, email=True),
    NotificationType.APPLICATION_STATUS_CHANGED: Channels(in_app=True, email=True),
    NotificationType.INTERVIEW_SCHEDULED: Channels(in_app=True, email=True),
    NotificationType.INTERVIEW_UPDATED: Channels(in_app=True, email=True),
    NotificationType.INTERVIEW_REMINDER: Channels(in_app=True, email=True),
    NotificationType.JOB_MATCH: Channels(in_app=True, email=False),
    NotificationType.JOB_MODERATED: Channels(in_app=True, email=True),
    NotificationType.RESUME_ANALYZED: Channels(in_app=True, email=False),
    NotificationType.EXPORT_READY: Channels(in_app=True, email=True),
    NotificationType.IMPORT_FINISHED: Channels(in_app=True, email=True),
    NotificationType.ACCOUNT_WELCOME: Channels(in_app=True, email=False),
}
NOTIFICATION_TYPES: tuple[str, ...] = tuple(member.value for member in NotificationType)
TYPE_MAX_LENGTH = 64
TITLE_MAX_LENGTH = 200

_UNREAD = text("read_at IS NULL")


class Notification(IdMixin, db.Model):
    """One message to one user; unread while ``read_at`` is null."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The list, newest first.
        Index("ix_notifications_user_id_created_at", "user_id", "created_at", "id"),
        # "My unread, newest first" and the unread count, on a small partial index.
        Index(
            "ix_notifications_user_id_unread",
            "user_id",
            "created_at",
            "id",
            postgresql_where=_UNREAD,
            sqlite_where=_UNREAD,
        ),
        # The `type` filter.
        Index("ix_notifications_user_id_type", "user_id", "type", "created_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(TYPE_MAX_LENGTH))
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.type} user={self.user_id}>"


class NotificationPreference(IdMixin, db.Model):
    """A user's choice of channels for one type; absent means the type's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "type"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(TYPE_MAX_LENGTH))
    in_app: Mapped[bool]
    email: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def notification_type(value: str) -> NotificationType:
    """The type named ``value``; an unknown name is a programming error (ValueError)."""
    try:
        return NotificationType(value)
    except ValueError:
        raise ValueError(
            f"unknown notification type {value!r}; known: {', '.join(NOTIFICATION_TYPES)}"
        ) from None
