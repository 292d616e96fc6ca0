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


def test_nothing_is_pushed_or_mailed_on_rollback(app_ctx, make_user, emitted, mailbox):
    user = make_user(email_verified=True)

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
    assert mailbox.messages == []


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


def test_in_app_off_stores_nothing_but_email_still_goes(app_ctx, make_user, emitted, mailbox):
    user = make_user(email_verified=True)
    with transaction():
        services.update_preferences(
            user=user, changes={"job.match": {"in_app": False, "email": True}}
        )
    with transaction():
        result = services.notify(user=user, type="job.match", title="New job", body="b")
    assert result is None
    assert _count(user.id) == 0
    assert emitted == []
    (mail,) = mailbox.to(user.email, template="notification")
    assert mail.subject == "New job"
    assert "It is also in your notifications" not in mail.text  # nothing in-app to show


def test_email_follows_the_preference(app_ctx, make_user, mailbox):
    user = make_user(email_verified=True)
    with transaction():
        # job.match mails nobody by default; interview.scheduled mails by default.
        services.notify(user=user, type="job.match", title="Job", body="b")
        services.notify(user=user, type="interview.scheduled", title="Interview 1", body="b")
        services.update_preferences(user=user, changes={"interview.scheduled": {"email": False}})
        services.notify(user=user, type="interview.scheduled", title="Interview 2", body="b")
        assert mailbox.messages == []  # not before the commit
    assert [mail.subject for mail in mailbox.messages] == ["Interview 1"]
    assert _count(user.id) == 3


def test_the_notification_email(app_ctx, make_user, mailbox):
    user = make_user(email_verified=True, full_name="Alice Moreau")
    with transaction():
        services.notify(
            user=user,
            type="application.status_changed",
            title="Your application to <Acme> moved to interviewing",
            body="Acme & Co would like to talk.\nPick a slot.",
        )
    (mail,) = mailbox.messages
    assert mail.to == user.email and mail.template == "notification"
    assert mail.subject == "Your application to <Acme> moved to interviewing"
    assert "Hello Alice Moreau," in mail.text
    assert "Acme & Co would like to talk.\nPick a slot." in mail.text
    assert "http://127.0.0.1:5000/notifications" in mail.text
    assert "/settings/notifications" in mail.text and "application.status_changed" in mail.text
    assert "&lt;Acme&gt;" in mail.html and "<Acme>" not in mail.html
    assert "Acme &amp; Co" in mail.html


def test_unverified_or_disabled_addresses_get_no_mail(app_ctx, make_user, mailbox):
    unverified = make_user()
    disabled = make_user(email_verified=True, is_active=False)
    with transaction():
        for user in (unverified, disabled):
            services.notify(user=user, type="interview.scheduled", title="t", body="b")
    assert mailbox.messages == []
    assert _count(unverified.id) == 1  # still in-app


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
