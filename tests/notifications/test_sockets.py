"""Socket.IO in the embedded default (no Redis, one process), with Flask-SocketIO's test client.

The same handlers against a real gunicorn and across processes: test_live_server.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_jwt_extended import decode_token
from sqlalchemy import func, select

from jobhub.auth.services import revoke_token
from jobhub.db import db, transaction, utcnow
from jobhub.extensions import socketio
from jobhub.notifications import services
from jobhub.notifications.models import Notification, NotificationPreference
from jobhub.signals import account_deleted, user_logged_out, user_registered
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def app_environ(backend):
    """The embedded default: no Redis, so no socket.io message queue."""
    environ = backend.environ()
    environ.pop("REDIS_URL", None)
    environ.pop("SOCKETIO_CHANNEL", None)
    return environ


@pytest.fixture
def connect(app, tokens):
    """``connect(user)`` → a connected test client (``token=`` / ``auth=`` override)."""
    clients = []

    def make(user=None, *, token=None, auth=None):
        if auth is None:
            auth = {"token": token if token is not None else tokens(user)}
        client = socketio.test_client(app, auth=auth)
        clients.append(client)
        return client

    yield make
    for client in clients:
        if client.is_connected():
            client.disconnect()


def events(client, name=None) -> list:
    """The events a client received since the last call: (name, payload) pairs."""
    received = [(item["name"], item["args"][0]) for item in client.get_received()]
    return [item for item in received if name is None or item[0] == name]


def _notify(app, user, **fields):
    with app.app_context(), transaction():
        fields.setdefault("type", "application.status_changed")
        fields.setdefault("title", "Your application moved")
        fields.setdefault("body", "Acme moved it to screening.")
        return services.notify(user=user, **fields).id


def test_connect_without_or_with_a_bad_token_is_refused(connect, make_user, tokens, app):
    user = make_user()
    assert not connect(auth={}).is_connected()
    assert not connect(auth={"token": ""}).is_connected()
    assert not connect(auth={"token": "not-a-jwt"}).is_connected()
    assert not connect(token=tokens(user, refresh=True)).is_connected()
    expired = tokens(user, expires_delta=timedelta(seconds=-5))
    assert not connect(token=expired).is_connected()
    # An admin's setup-only token (ADMIN_REQUIRE_2FA) is for setting up 2FA, nothing else.
    setup_only = tokens(user, additional_claims={"mfa_setup_only": True})
    assert not connect(token=setup_only).is_connected()
    assert connect(user).is_connected()  # the same user, with a good token


def test_revoked_tokens_and_disabled_accounts_are_refused(app, connect, make_user, tokens):
    user = make_user()
    disabled = make_user(is_active=False)
    gone = make_user(deleted_at=utcnow())
    token = tokens(user)
    with app.app_context(), transaction():
        revoke_token(payload=decode_token(token))
    assert not connect(token=token).is_connected()
    assert not connect(disabled).is_connected()
    assert not connect(gone).is_connected()


def test_connect_sends_the_unread_count_including_offline_notifications(
    app, connect, make_user, add_notifications
):
    user = make_user()
    add_notifications(user, 2)
    add_notifications(user, 1, read_at=utcnow())
    _notify(app, user)  # raised while offline: nothing to push it to
    client = connect(user)
    assert events(client) == [("unread_count", {"count": 3})]


def test_every_tab_of_the_user_gets_the_notification_and_others_do_not(app, connect, make_user):
    alice, bob = make_user(), make_user()
    tabs = [connect(alice), connect(alice)]
    other = connect(bob)
    for client in (*tabs, other):
        events(client)
    notification_id = _notify(app, alice, data={"application_id": 3})
    for tab in tabs:
        received = events(tab)
        assert [name for name, _ in received] == ["notification", "unread_count"]
        assert received[0][1]["id"] == notification_id
        assert received[0][1]["data"] == {"application_id": 3}
        assert received[1][1] == {"count": 1}
    assert events(other) == []


def test_a_rolled_back_notification_is_never_pushed(app, connect, make_user):
    user = make_user()
    client = connect(user)
    events(client)

    def notify_then_fail() -> None:
        with app.app_context(), transaction():
            services.notify(user=user, type="job.match", title="t", body="b")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        notify_then_fail()
    assert events(client) == []


def test_mark_read_is_acknowledged_with_the_new_count(app, connect, make_user, add_notifications):
    user = make_user()
    first, _second = add_notifications(user, 2)
    tab, other_tab = connect(user), connect(user)
    events(tab), events(other_tab)
    ack = tab.emit("mark_read", {"id": first}, callback=True)
    assert ack == {"id": first, "count": 1}
    assert events(other_tab) == [("unread_count", {"count": 1})]
    assert tab.emit("mark_read", {"id": first}, callback=True) == {"id": first, "count": 1}


def test_mark_read_errors_are_acknowledged(connect, make_user, add_notifications):
    alice, bob = make_user(), make_user()
    (theirs,) = add_notifications(bob)
    client = connect(alice)
    assert client.emit("mark_read", {"id": theirs}, callback=True)["error"] == "not_found"
    for bad in ({}, {"id": "1"}, {"id": 0}, "1", None):
        ack = client.emit("mark_read", bad, callback=True)
        assert ack["error"] == "validation_error", bad
        assert "id" in ack["errors"]


def test_rest_changes_update_every_tab(
    app, client, connect, make_user, add_notifications, auth_headers
):
    user = make_user()
    ids = add_notifications(user, 3)
    tab = connect(user)
    events(tab)
    headers = auth_headers(user)
    client.post(f"/api/v1/notifications/{ids[0]}/read", headers=headers)
    assert events(tab) == [("unread_count", {"count": 2})]
    client.delete(f"/api/v1/notifications/{ids[1]}", headers=headers)
    assert events(tab) == [("unread_count", {"count": 1})]
    client.post("/api/v1/notifications/read-all", headers=headers)
    assert events(tab) == [("unread_count", {"count": 0})]
    client.post(f"/api/v1/notifications/{ids[0]}/unread", headers=headers)
    assert events(tab) == [("unread_count", {"count": 1})]


def test_logout_of_one_session_closes_its_sockets_after_commit(app, connect, make_user, tokens):
    alice, bob = make_user(), make_user()
    signed_out, still_in = tokens(alice), tokens(alice)
    closing = [connect(token=signed_out), connect(token=signed_out)]
    staying = [connect(token=still_in), connect(bob)]

    def logout(*, fail: bool) -> None:
        with app.app_context(), transaction():
            revoke_token(payload=decode_token(signed_out))
            user_logged_out.send(app, user_id=alice.id, all_sessions=False)
            assert all(tab.is_connected() for tab in closing)  # not before the commit
            if fail:
                raise RuntimeError("the logout failed")

    with pytest.raises(RuntimeError):
        logout(fail=True)
    assert all(tab.is_connected() for tab in closing)
    logout(fail=False)
    assert not any(tab.is_connected() for tab in closing)
    assert all(tab.is_connected() for tab in staying)


def test_logout_of_every_session_closes_every_socket_of_the_user(app, connect, make_user):
    alice, bob = make_user(), make_user()
    tabs = [connect(alice), connect(alice)]
    other = connect(bob)
    with app.app_context(), transaction():
        user_logged_out.send(app, user_id=alice.id, all_sessions=True)
    assert not any(tab.is_connected() for tab in tabs)
    assert other.is_connected()


def test_the_auth_flow_end_to_end(app, client, connect, mailbox):
    """Register (welcome), log in twice, connect both, log one out: only its socket closes."""
    email, password = "dana.kowalski@example.com", DEFAULT_PASSWORD
    registered = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": password, "full_name": "Dana K", "role": "candidate"},
    )
    assert registered.status_code == 201, registered.json
    pairs = [
        client.post("/api/v1/auth/login", json={"email": email, "password": password}).json
        for _ in range(2)
    ]
    laptop, phone = (connect(token=pair["access_token"]) for pair in pairs)
    assert events(laptop) == [("unread_count", {"count": 1})]  # the welcome notification
    listed = client.get(
        "/api/v1/notifications", headers={"Authorization": f"Bearer {pairs[0]['access_token']}"}
    ).json
    assert [item["type"] for item in listed] == ["account.welcome"]
    assert mailbox.to(email, template="notification") == []  # welcome is in-app only

    out = client.post(
        "/api/v1/auth/logout", headers={"Authorization": f"Bearer {pairs[1]['access_token']}"}
    )
    assert out.status_code == 204
    assert not phone.is_connected()
    assert laptop.is_connected()
    assert not connect(token=pairs[1]["access_token"]).is_connected()


def test_a_password_change_closes_the_other_sessions_sockets(client, connect, make_user):
    user = make_user(email="erin.walsh@example.com")

    def login() -> str:
        body = {"email": user.email, "password": DEFAULT_PASSWORD}
        return client.post("/api/v1/auth/login", json=body).json["access_token"]

    here, elsewhere = login(), login()
    current, other = connect(token=here), connect(token=elsewhere)
    changed = client.post(
        "/api/v1/auth/password/change",
        headers={"Authorization": f"Bearer {here}"},
        json={"current_password": DEFAULT_PASSWORD, "new_password": "Quiet-Meadow-Rocket-58"},
    )
    assert changed.status_code < 300, changed.json
    assert current.is_connected()
    assert not other.is_connected()


def test_registration_sends_a_welcome_notification(app, connect, make_user):
    erin = make_user(role="employer", full_name="Erin Walsh")
    with app.app_context(), transaction():
        user_registered.send(app, user=db.session.get(User, erin.id))
    client = connect(erin)
    assert events(client) == [("unread_count", {"count": 1})]
    with app.app_context():
        (welcome,) = db.session.scalars(select(Notification)).all()
    assert welcome.type == "account.welcome"
    assert welcome.title == "Welcome to JobHub, Erin!"
    assert "company" in welcome.body and welcome.data == {"role": "employer"}


def test_account_deletion_forgets_notifications_and_preferences(
    app, connect, make_user, add_notifications
):
    user, other = make_user(), make_user()
    add_notifications(user, 2)
    add_notifications(other, 1)
    with app.app_context(), transaction():
        services.update_preferences(user=user, changes={"job.match": {"email": True}})
    client = connect(user)
    with app.app_context(), transaction():
        account_deleted.send(app, user=db.session.get(User, user.id))
    assert not client.is_connected()
    with app.app_context():
        owners = db.session.scalars(select(Notification.user_id)).all()
        preferences = db.session.scalar(select(func.count()).select_from(NotificationPreference))
    assert owners == [other.id]
    assert preferences == 0


def test_open_connections_are_in_the_metrics_gauge(app, connect, candidate):
    from prometheus_client import REGISTRY

    def gauge() -> float:
        return REGISTRY.get_sample_value("jobhub_socketio_connections")

    before = gauge()
    first, second = connect(candidate), connect(candidate)
    assert first.is_connected() and second.is_connected()
    refused = connect(token="not-a-token")
    assert not refused.is_connected()
    assert gauge() == before + 2
    first.disconnect()
    assert gauge() == before + 1


def test_an_admin_deactivating_an_account_closes_its_sockets(app, api, connect, make_user):
    alice, bob, admin = make_user(), make_user(), make_user(role="admin")
    logged_in = api.login(alice.email)["access_token"]
    tabs = [connect(token=logged_in), connect(alice)]
    other = connect(bob)
    api("PATCH", admin, f"/admin/users/{alice.id}", json={"is_active": False})
    assert not any(tab.is_connected() for tab in tabs)
    assert other.is_connected()
    assert not connect(token=logged_in).is_connected()
