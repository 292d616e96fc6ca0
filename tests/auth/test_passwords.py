"""Password change, forgot and reset: mailed single-use tokens, sessions ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.signals import before_task_publish
from sqlalchemy import select

from jobhub import signals
from jobhub.auth.models import OneTimeToken
from jobhub.db import db, utcnow
from jobhub.security import verify_password
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import bearer, fresh_ip, register_body

CHANGE = "/api/v1/auth/password/change"
FORGOT = "/api/v1/auth/password/forgot"
RESET = "/api/v1/auth/password/reset"
ME = "/api/v1/auth/me"
NEW_PASSWORD = "Quiet-Meadow-Rocket-58"


def password_of(app, user_id: int, password: str) -> bool:
    with app.app_context():
        return verify_password(db.session.get(User, user_id).password_hash, password)


class TestChange:
    def test_changes_it_and_ends_every_other_session(self, app, client, make_user, login, mailbox):
        user = make_user(email="alice@example.com")
        other = login("alice@example.com")
        current = login("alice@example.com")
        response = client.post(
            CHANGE,
            json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
            headers=bearer(current["access_token"]),
        )
        assert response.status_code == 204
        assert password_of(app, user.id, NEW_PASSWORD)
        assert client.get(ME, headers=bearer(other["access_token"])).status_code == 401
        assert (
            client.post("/api/v1/auth/refresh", headers=bearer(other["refresh_token"])).status_code
            == 401
        )
        assert client.get(ME, headers=bearer(current["access_token"])).status_code == 200
        notice = mailbox.last("alice@example.com", "password_changed")
        assert "changed" in notice.subject
        login("alice@example.com", NEW_PASSWORD)

    def test_wrong_current_password_is_422_and_changes_nothing(self, app, client, make_user, login):
        user = make_user(email="alice@example.com")
        pair = login("alice@example.com")
        response = client.post(
            CHANGE,
            json={"current_password": "Wrong-Password-Here-1", "new_password": NEW_PASSWORD},
            headers=bearer(pair["access_token"]),
        )
        assert response.status_code == 422
        assert "current_password" in response.get_json()["errors"]["json"]
        assert password_of(app, user.id, DEFAULT_PASSWORD)

    @pytest.mark.parametrize(
        ("new_password", "rule"),
        [("short", "length"), ("iloveyou2024", "guessable"), (DEFAULT_PASSWORD, "same_as_current")],
    )
    def test_new_password_goes_through_the_policy(
        self, app, client, make_user, login, new_password, rule
    ):
        user = make_user(email="alice@example.com")
        other = login("alice@example.com")
        pair = login("alice@example.com")
        response = client.post(
            CHANGE,
            json={"current_password": DEFAULT_PASSWORD, "new_password": new_password},
            headers=bearer(pair["access_token"]),
        )
        assert response.status_code == 422
        assert response.get_json()["errors"]["rule"] == rule
        assert "new_password" in response.get_json()["errors"]["json"]
        assert password_of(app, user.id, DEFAULT_PASSWORD)
        assert client.get(ME, headers=bearer(other["access_token"])).status_code == 200

    def test_signal_tells_every_session_of_the_user_to_close(self, app, client, make_user, login):
        user = make_user(email="alice@example.com")
        pair = login("alice@example.com")
        received = []
        with signals.user_logged_out.connected_to(lambda sender, **kw: received.append(kw)):
            client.post(
                CHANGE,
                json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
                headers=bearer(pair["access_token"]),
            )
        assert received == [{"user_id": user.id, "all_sessions": True}]


class TestForgotAndReset:
    def forgot(self, client, email: str):
        return client.post(FORGOT, json={"email": email}, environ_base=fresh_ip())

    def test_same_answer_whether_or_not_the_account_exists(self, client, make_user, mailbox):
        make_user(email="alice@example.com")
        known = self.forgot(client, "Alice@Example.com")
        unknown = self.forgot(client, "nobody@example.com")
        assert known.status_code == unknown.status_code == 202
        assert known.get_json() == unknown.get_json()
        assert [m.to for m in mailbox.messages] == ["alice@example.com"]

    def test_the_request_does_the_same_work_whether_or_not_the_account_exists(
        self, app, client, make_user, mailbox, count_queries
    ):
        """Not a stopwatch: the request runs the same SQL (none) and queues the same task
        either way; the lookup and the mail happen in the task (issue 11)."""
        make_user(email="alice@example.com")
        app.extensions["celery"].conf.task_always_eager = False  # queued, not run here
        published = []

        def record(sender=None, body=None, **_):
            published.append((sender, body[1]))

        before_task_publish.connect(record)
        try:
            work = {}
            for email in ("alice@example.com", "nobody@example.com"):
                with count_queries() as statements:
                    assert self.forgot(client, email).status_code == 202
                work[email] = statements
        finally:
            before_task_publish.disconnect(record)
        assert work["alice@example.com"] == work["nobody@example.com"]
        assert published == [
            ("auth.password_reset", {"email": "alice@example.com"}),
            ("auth.password_reset", {"email": "nobody@example.com"}),
        ]
        app.extensions["celery"].conf.task_always_eager = True  # the worker's turn
        task = app.extensions["celery"].tasks["auth.password_reset"]
        with app.app_context():
            assert [task.apply(kwargs=kw).get() for _, kw in published] == [True, False]
        assert [m.to for m in mailbox.messages] == ["alice@example.com"]

    def test_disabled_accounts_get_no_mail(self, client, make_user, mailbox):
        make_user(email="off@example.com", is_active=False)
        assert self.forgot(client, "off@example.com").status_code == 202
        assert mailbox.messages == []

    def test_reset_with_the_mailed_token_works_exactly_once(
        self, app, client, make_user, login, mailbox
    ):
        user = make_user(email="alice@example.com")
        session = login("alice@example.com")
        self.forgot(client, "alice@example.com")
        mail = mailbox.last("alice@example.com", "password_reset")
        assert "30 minutes" in mail.text and "reset-password?token=" in mail.html
        token = mailbox.token("alice@example.com", "password_reset")

        response = client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
        assert response.status_code == 200, response.get_json()
        assert password_of(app, user.id, NEW_PASSWORD)
        # Every session ends, the one of the person who asked included.
        assert client.get(ME, headers=bearer(session["access_token"])).status_code == 401
        again = client.post(RESET, json={"token": token, "new_password": "Other-Lagoon-Violin-33"})
        assert again.status_code == 400 and again.get_json()["error"] == "bad_request"
        assert password_of(app, user.id, NEW_PASSWORD)
        assert mailbox.last("alice@example.com", "password_changed")
        with app.app_context():
            assert db.session.get(User, user.id).email_verified is True
        login("alice@example.com", NEW_PASSWORD)

    def test_a_new_request_supersedes_the_previous_token(self, app, client, make_user, mailbox):
        user = make_user(email="alice@example.com")
        self.forgot(client, "alice@example.com")
        first = mailbox.token("alice@example.com", "password_reset")
        self.forgot(client, "alice@example.com")
        second = mailbox.token("alice@example.com", "password_reset")
        assert first != second
        assert (
            client.post(RESET, json={"token": first, "new_password": NEW_PASSWORD}).status_code
            == 400
        )
        assert (
            client.post(RESET, json={"token": second, "new_password": NEW_PASSWORD}).status_code
            == 200
        )
        assert password_of(app, user.id, NEW_PASSWORD)

    def test_an_expired_token_is_refused(self, app, client, make_user, mailbox):
        user = make_user(email="alice@example.com")
        self.forgot(client, "alice@example.com")
        token = mailbox.token("alice@example.com", "password_reset")
        with app.app_context():
            record = db.session.scalar(select(OneTimeToken))
            record.expires_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
        response = client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
        assert response.status_code == 400
        assert password_of(app, user.id, DEFAULT_PASSWORD)

    def test_the_reset_token_lives_30_minutes_and_is_stored_hashed(
        self, app, client, make_user, mailbox
    ):
        make_user(email="alice@example.com")
        self.forgot(client, "alice@example.com")
        token = mailbox.token("alice@example.com", "password_reset")
        with app.app_context():
            record = db.session.scalar(select(OneTimeToken))
        assert record.token_hash != token and len(record.token_hash) == 64
        assert (
            timedelta(minutes=29) < record.expires_at - record.created_at <= timedelta(minutes=30)
        )

    def test_a_weak_new_password_keeps_the_token_usable(self, app, client, make_user, mailbox):
        make_user(email="alice@example.com")
        self.forgot(client, "alice@example.com")
        token = mailbox.token("alice@example.com", "password_reset")
        weak = client.post(RESET, json={"token": token, "new_password": "password1234"})
        assert weak.status_code == 422 and weak.get_json()["errors"]["rule"] in {
            "common",
            "guessable",
        }
        assert (
            client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD}).status_code
            == 200
        )

    def test_a_verification_token_cannot_reset_a_password(self, client, mailbox):
        client.post(
            "/api/v1/auth/register",
            json=register_body(),
        )
        token = mailbox.token("alice@example.com", "verify_email")
        response = client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
        assert response.status_code == 400

    def test_garbage_token_is_400(self, client):
        response = client.post(RESET, json={"token": "nope", "new_password": NEW_PASSWORD})
        assert response.status_code == 400
        assert "token" in response.get_json()["errors"]["json"]

    def test_password_change_invalidates_a_pending_reset_token(
        self, client, make_user, login, mailbox
    ):
        make_user(email="alice@example.com")
        self.forgot(client, "alice@example.com")
        token = mailbox.token("alice@example.com", "password_reset")
        pair = login("alice@example.com")
        client.post(
            CHANGE,
            json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
            headers=bearer(pair["access_token"]),
        )
        response = client.post(
            RESET, json={"token": token, "new_password": "Other-Lagoon-Violin-33"}
        )
        assert response.status_code == 400
