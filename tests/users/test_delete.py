"""DELETE /users/me: password confirmed, data anonymised, sessions ended, domains told."""

from __future__ import annotations

from sqlalchemy import select

from jobhub import signals
from jobhub.auth.models import AuthSession, OneTimeToken, SessionEndReason
from jobhub.db import db
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import register_body

URL = "/api/v1/users/me"


def _login(client, email: str) -> dict:
    response = client.post(
        "/api/v1/auth/login", json={"email": email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    return response.get_json()


def bearer(pair: dict) -> dict:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def test_deletes_and_anonymises_the_account(app, client, make_user, mailbox):
    user = make_user(
        email="alice@example.com",
        full_name="Alice Moreau",
        headline="Backend engineer",
        skills=["python"],
        links={"github": "https://github.com/alice"},
        email_verified=True,
    )
    laptop = _login(client, "alice@example.com")
    phone = _login(client, "alice@example.com")
    client.post("/api/v1/auth/password/forgot", json={"email": "alice@example.com"})
    seen = []

    def receiver(sender, *, user):
        seen.append((sender, user.id, user.email, user.full_name))

    with signals.account_deleted.connected_to(receiver):
        response = client.delete(URL, json={"password": DEFAULT_PASSWORD}, headers=bearer(phone))
    assert response.status_code == 200
    # Receivers saw the user before anonymisation.
    assert seen == [(app, user.id, "alice@example.com", "Alice Moreau")]

    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.email.startswith("deleted-") and stored.email.endswith("@deleted.invalid")
        assert stored.full_name == "Deleted user"
        assert stored.headline is None and stored.skills == [] and stored.links == {}
        assert not stored.is_active and not stored.email_verified and stored.deleted_at
        reasons = set(db.session.scalars(select(AuthSession.end_reason)))
        assert reasons == {SessionEndReason.ACCOUNT_DELETED}
        assert db.session.scalar(select(OneTimeToken).where(OneTimeToken.used_at.is_(None))) is None

    for pair in (laptop, phone):
        assert client.get("/api/v1/auth/me", headers=bearer(pair)).status_code == 401
    refused = client.post(
        "/api/v1/auth/login", json={"email": "alice@example.com", "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 401
    assert mailbox.last("alice@example.com", "account_deleted")
    # The address is free again.
    again = client.post("/api/v1/auth/register", json=register_body(full_name="Alice Again"))
    assert again.status_code == 201


def test_wrong_password_is_422_and_deletes_nothing(app, client, make_user):
    user = make_user(email="alice@example.com")
    pair = _login(client, "alice@example.com")
    response = client.delete(URL, json={"password": "Wrong-Password-Here-1"}, headers=bearer(pair))
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]["json"]
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.email == "alice@example.com" and stored.deleted_at is None
    assert client.get("/api/v1/auth/me", headers=bearer(pair)).status_code == 200


def test_password_is_required(client, make_user, auth_headers):
    user = make_user()
    assert client.delete(URL, headers=auth_headers(user)).status_code == 422
    assert client.delete(URL, json={}, headers=auth_headers(user)).status_code == 422


def test_logged_out_signal_asks_every_connection_to_close(client, make_user):
    user = make_user(email="alice@example.com")
    pair = _login(client, "alice@example.com")
    received = []
    with signals.user_logged_out.connected_to(lambda sender, **kw: received.append(kw)):
        client.delete(URL, json={"password": DEFAULT_PASSWORD}, headers=bearer(pair))
    assert received == [{"user_id": user.id, "all_sessions": True}]


def test_a_failing_domain_hook_keeps_the_account(app, client, make_user):
    user = make_user(email="alice@example.com")
    pair = _login(client, "alice@example.com")

    def receiver(sender, *, user):
        raise RuntimeError("resume storage unreachable")

    with signals.account_deleted.connected_to(receiver):
        response = client.delete(URL, json={"password": DEFAULT_PASSWORD}, headers=bearer(pair))
    assert response.status_code == 500
    with app.app_context():
        assert db.session.get(User, user.id).deleted_at is None
