"""ACCOUNT_INACTIVE_DAYS: a warning mail 30 days before, then erasure; the clock is
advanced by running the beat task as of a later moment (never waited)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jobhub.db import db, utcnow
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD

DAYS = 365


def _run(app, at) -> dict:
    task = app.extensions["celery"].tasks["users.erase_inactive_accounts"]
    return task.apply(kwargs={"now": at.isoformat()}).get()


def _user(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


@pytest.fixture
def idle(make_user):
    long_ago = utcnow() - timedelta(days=DAYS - 29)  # idle 336 days: one day into the warning
    return {
        "idle": make_user(email="idle@example.com", last_login_at=long_ago),
        "never": make_user(email="never@example.com", created_at=long_ago),
        "active": make_user(email="active@example.com", last_login_at=utcnow()),
        "admin": make_user(role="admin", email="boss@example.com", last_login_at=long_ago),
    }


def test_off_by_default(app, idle, mailbox):
    assert app.config["ACCOUNT_INACTIVE_DAYS"] == 0
    assert _run(app, utcnow() + timedelta(days=1000)) == {"cancelled": 0, "warned": 0, "erased": 0}
    assert mailbox.messages == []


def test_warned_once_then_erased_after_30_days(app, idle, mailbox):
    app.config["ACCOUNT_INACTIVE_DAYS"] = DAYS
    start = utcnow()
    assert _run(app, start) == {"cancelled": 0, "warned": 2, "erased": 0}
    warning = mailbox.last("idle@example.com", "account_inactive")
    assert "sign in" in warning.text.lower()
    assert len(mailbox.to("never@example.com", template="account_inactive")) == 1
    assert mailbox.to("active@example.com") == [] and mailbox.to("boss@example.com") == []

    # A day later: no second mail, nobody erased yet.
    assert _run(app, start + timedelta(days=1)) == {"cancelled": 0, "warned": 0, "erased": 0}
    assert len(mailbox.to("idle@example.com", template="account_inactive")) == 1
    # 29 days after the warning: still only warned.
    assert _run(app, start + timedelta(days=29))["erased"] == 0

    # 30 days after the warning, still idle: erased (with the erasure mail).
    assert _run(app, start + timedelta(days=30)) == {"cancelled": 0, "warned": 0, "erased": 2}
    erased = _user(app, idle["idle"].id)
    assert erased.deleted_at is not None and erased.email.endswith("@deleted.invalid")
    farewell = mailbox.last("idle@example.com", "account_deleted")
    assert f"{DAYS} days" in farewell.text
    assert _user(app, idle["admin"].id).deleted_at is None
    assert _user(app, idle["active"].id).deleted_at is None


def test_a_login_after_the_warning_cancels_the_erasure(app, idle, mailbox, login):
    app.config["ACCOUNT_INACTIVE_DAYS"] = DAYS
    start = utcnow() - timedelta(minutes=1)  # the warning goes out just before the login
    assert _run(app, start)["warned"] == 2
    login("idle@example.com", DEFAULT_PASSWORD)
    result = _run(app, start + timedelta(days=30))
    assert result == {"cancelled": 1, "warned": 0, "erased": 1}  # "never" had no login
    kept = _user(app, idle["idle"].id)
    assert kept.deleted_at is None and kept.inactivity_warned_at is None
    assert len(mailbox.to("idle@example.com", template="account_inactive")) == 1
    assert mailbox.to("idle@example.com", template="account_deleted") == []
