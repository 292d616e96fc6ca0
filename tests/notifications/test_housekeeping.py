"""Retention of read notifications, demo data, and deleted accounts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jobhub.db import db, transaction, utcnow
from jobhub.notifications import services
from jobhub.notifications.models import Notification
from jobhub.notifications.tasks import purge_read_notifications


def _titles(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Notification.title)))


def test_read_notifications_past_retention_are_purged(app, make_user, add_notifications):
    user = make_user()
    now = utcnow()
    add_notifications(user, 1, title="read long ago", read_at=now - timedelta(days=181))
    add_notifications(user, 1, title="read lately", read_at=now - timedelta(days=179))
    add_notifications(user, 1, title="old but unread", created_at=now - timedelta(days=400))
    with app.app_context():
        assert purge_read_notifications.apply().get() == 1
        assert purge_read_notifications.apply().get() == 0  # idempotent
    assert _titles(app) == ["old but unread", "read lately"]


def test_retention_zero_keeps_everything(app, make_user, add_notifications):
    app.config["NOTIFICATION_RETENTION_DAYS"] = 0
    user = make_user()
    add_notifications(user, 1, read_at=utcnow() - timedelta(days=3000))
    with app.app_context():
        assert purge_read_notifications.apply().get() == 0
    assert len(_titles(app)) == 1


def test_seed_welcomes_each_demo_account_once(app, runner):
    first = runner.invoke(args=["seed", "--candidates", "2", "--employers", "1"])
    assert first.exit_code == 0, first.output
    assert "4 notifications" in first.output  # admin, two candidates, one employer
    second = runner.invoke(args=["seed", "--candidates", "2", "--employers", "1"])
    assert "already present" in second.output
    # (The demo candidates' resume.analyzed notices come too, when the analysis runs.)
    assert [title for title in _titles(app) if title.startswith("Welcome")] == [
        "Welcome to JobHub, Ada!",
        "Welcome to JobHub, Alice!",
        "Welcome to JobHub, Bilal!",
        "Welcome to JobHub, Erin!",
    ]


def test_a_deleted_account_gets_nothing(app, make_user):
    user = make_user(deleted_at=utcnow(), email_verified=True)
    with app.app_context(), transaction():
        assert services.notify(user=user, type="job.match", title="t", body="b") is None
    assert _titles(app) == []
