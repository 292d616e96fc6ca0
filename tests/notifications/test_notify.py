"""notify(): the only way a notification is created, and what leaves after commit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jobhub.db import db, transaction
from jobhub.extensions import socketio
from jobhub.notifications import services
from jobhub.notifications.models import (
    DEFAULT_PREFERENCES,
    NOTIFICATION_TYPES,
    Notification,
    NotificationType,
)

SPEC_TYPES = {
    "application.received",
    "application.status_changed",
    "interview.scheduled",
    "interview.updated",
    "interview.reminder",
    "job.match",
    "job.moderated",
    "resume.analyzed",
    "export.ready",
    "import.finished",
}


@pytest.fixture
def emitted(monkeypatch):
    """Every socket.io emit, as (event, payload, room)."""
    calls: list[tuple[str, dict, str]] = []
    monkeypatch.setattr(
        socketio, "emit", lambda event, data, to, namespace: calls.append((event, data, to))
    )
    return calls


@pytest.fixture
def emails(monkeypatch):
    queued: list[dict] = []
    monkeypatch.setattr(
        services, "queue_notification_email", lambda **kwargs: queued.append(kwargs)
    )
    return queued


def _count(user_id: int) -> int:
    query = select(func.count()).where(Notification.user_id == user_id)
    return db.session.scalar(query)


def test_every_spec_type_has_defaults_and_welcome_is_ours():
    assert SPEC_TYPES | {"account.welcome"} == set(NOTIFICATION_TYPES)
    assert set(DEFAULT_PREFERENCES) == set(NotificationType)


def test_notify_stores_and_pushes_after_commit(app_ctx, make_user, emitted):
    user = make_user()
    with transaction():
        notification = services.notify(
            user=user,
            type="application.status_changed",
            title="Your application moved to screening",
            body="Acme looked at your application.",
            data={"application_id": 7, "status": "screening"},
        )
        assert notification is not None and notification.id
        assert emitted == []  # nothing leaves before the commit
    assert _count(user.id) == 1
    room = f"user:{user.id}"
    assert [(event, to) for event, _, to in emitted] == [
        ("notification", room),
        ("unread_count", room),
    ]
    payload = emitted[0][1]
    assert payload["id"] == notification.id
    assert payload["type"] == "application.status_changed"
    assert payload["data"] == {"application_id": 7, "status": "screening"}
    assert payload["read"] is False and payload["read_at"] is None
    assert payload["created_at"].endswith("Z")
    assert emitted[1][1] == {"count": 1}


def test_nothing_is_pushed_or_mailed_on_rollback(app_ctx, make_user, emitted, emails):
    user = make_user()

    def fail() -> None:
        with transaction():
            services.notify(user=user, type="interview.scheduled", title="t", body="b")
            raise RuntimeError("the surrounding work failed")

    with pytest.raises(RuntimeError):
        fail()
    with transaction():
        pass
    assert emitted == []
    assert _count(user.id) == 0
    assert len(emails) == 1  # queued inside the transaction: its on_commit send was dropped


def test_unknown_type_is_a_programming_error(app_ctx, make_user, emitted):
    user = make_user()
    with pytest.raises(ValueError, match=r"unknown notification type 'job\.exploded'"):
        services.notify(user=user, type="job.exploded", title="t", body="b")
    db.session.rollback()
    assert _count(user.id) == 0


def test_data_must_be_json(app_ctx, make_user):
    user = make_user()
    with pytest.raises(ValueError, match="JSON"):
        services.notify(user=user, type="job.match", title="t", body="b", data={"x": object()})


def test_in_app_off_stores_nothing_but_email_still_goes(app_ctx, make_user, emitted, emails):
    user = make_user()
    with transaction():
        services.update_preferences(
            user=user, changes={"job.match": {"in_app": False, "email": True}}
        )
    with transaction():
        result = services.notify(user=user, type="job.match", title="New job", body="b")
    assert result is None
    assert _count(user.id) == 0
    assert emitted == []
    assert [mail["type"] for mail in emails] == ["job.match"]
    assert emails[0]["notification"] is None


def test_email_follows_the_preference(app_ctx, make_user, emails):
    user = make_user()
    with transaction():
        # job.match mails nobody by default; interview.scheduled mails by default.
        services.notify(user=user, type="job.match", title="t", body="b")
        services.notify(user=user, type="interview.scheduled", title="t", body="b")
        services.update_preferences(user=user, changes={"interview.scheduled": {"email": False}})
        services.notify(user=user, type="interview.scheduled", title="t", body="b")
    assert [mail["type"] for mail in emails] == ["interview.scheduled"]
    assert _count(user.id) == 3


def test_one_transaction_pushes_each_notification_and_one_count_per_user(
    app_ctx, make_user, emitted
):
    alice, bob = make_user(), make_user()
    with transaction():
        for n in range(3):
            services.notify(user=alice, type="job.match", title=f"Job {n}", body="b")
        services.notify(user=bob, type="job.match", title="Job", body="b")
    events = [(event, to) for event, _, to in emitted]
    assert events.count(("notification", f"user:{alice.id}")) == 3
    assert events.count(("notification", f"user:{bob.id}")) == 1
    counts = {to: data for event, data, to in emitted if event == "unread_count"}
    assert counts == {f"user:{alice.id}": {"count": 3}, f"user:{bob.id}": {"count": 1}}
    assert events[-2:] == [("unread_count", f"user:{alice.id}"), ("unread_count", f"user:{bob.id}")]


def test_long_titles_are_shortened(app_ctx, make_user):
    user = make_user()
    with transaction():
        notification = services.notify(user=user, type="job.match", title="x" * 300, body="b")
    assert len(notification.title) == 200 and notification.title.endswith("…")
