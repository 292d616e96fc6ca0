"""GET/DELETE /auth/sessions: the caller's logins, each one ended on demand."""

from __future__ import annotations

import json

from sqlalchemy import select

from jobhub.auth.models import AuthSession, SessionEndReason
from jobhub.db import db
from jobhub.users.models import User
from tests.support.api import bearer

URL = "/api/v1/auth/sessions"
ME = "/api/v1/auth/me"


def test_lists_live_sessions_with_the_current_one_marked(client, make_user, login):
    make_user(email="alice@example.com")
    make_user(email="bob@example.com")
    laptop = login("alice@example.com", **{"User-Agent": "Laptop/1"})
    phone = login("alice@example.com", **{"User-Agent": "Phone/2"})
    login("bob@example.com")
    response = client.get(URL, headers=bearer(phone["access_token"]))
    assert response.status_code == 200
    sessions = response.get_json()
    assert [s["user_agent"] for s in sessions] == ["Phone/2", "Laptop/1"]
    assert [s["current"] for s in sessions] == [True, False]
    assert set(sessions[0]) == {
        "id",
        "created_at",
        "last_used_at",
        "expires_at",
        "user_agent",
        "ip_address",
        "current",
    }
    assert sessions[0]["ip_address"].startswith("10.")
    assert sessions[0]["created_at"].endswith("Z")
    assert json.loads(response.headers["X-Pagination"])["total"] == 2
    assert laptop["access_token"] != phone["access_token"]


def test_ending_one_session_kills_its_tokens_at_once(app, client, make_user, login):
    make_user(email="alice@example.com")
    laptop = login("alice@example.com")
    phone = login("alice@example.com")
    listed = client.get(URL, headers=bearer(phone["access_token"])).get_json()
    laptop_id = next(s["id"] for s in listed if not s["current"])
    response = client.delete(f"{URL}/{laptop_id}", headers=bearer(phone["access_token"]))
    assert response.status_code == 204
    refused = client.get(ME, headers=bearer(laptop["access_token"]))
    assert refused.status_code == 401 and refused.get_json()["error"] == "token_revoked"
    refresh = client.post("/api/v1/auth/refresh", headers=bearer(laptop["refresh_token"]))
    assert refresh.status_code == 401
    assert client.get(ME, headers=bearer(phone["access_token"])).status_code == 200
    remaining = client.get(URL, headers=bearer(phone["access_token"])).get_json()
    assert [s["current"] for s in remaining] == [True]
    with app.app_context():
        assert db.session.get(AuthSession, laptop_id).end_reason == SessionEndReason.ENDED


def test_ending_the_current_session_is_a_logout(client, make_user, login):
    make_user(email="alice@example.com")
    pair = login("alice@example.com")
    current = client.get(URL, headers=bearer(pair["access_token"])).get_json()[0]
    assert (
        client.delete(f"{URL}/{current['id']}", headers=bearer(pair["access_token"])).status_code
        == 204
    )
    assert client.get(ME, headers=bearer(pair["access_token"])).status_code == 401


def test_another_users_session_is_404_and_stays_alive(app, client, make_user, login):
    make_user(email="alice@example.com")
    make_user(email="bob@example.com")
    alice = login("alice@example.com")
    bob = login("bob@example.com")
    with app.app_context():
        bobs = db.session.scalar(
            select(AuthSession.id)
            .join(User, User.id == AuthSession.user_id)
            .where(User.email == "bob@example.com")
        )
    response = client.delete(f"{URL}/{bobs}", headers=bearer(alice["access_token"]))
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert client.get(ME, headers=bearer(bob["access_token"])).status_code == 200
    assert client.delete(f"{URL}/999999", headers=bearer(alice["access_token"])).status_code == 404


def test_an_ended_session_is_404(client, make_user, login):
    make_user(email="alice@example.com")
    first = login("alice@example.com")
    second = login("alice@example.com")
    first_id = next(
        s["id"]
        for s in client.get(URL, headers=bearer(first["access_token"])).get_json()
        if s["current"]
    )
    assert (
        client.delete(f"{URL}/{first_id}", headers=bearer(second["access_token"])).status_code
        == 204
    )
    assert (
        client.delete(f"{URL}/{first_id}", headers=bearer(second["access_token"])).status_code
        == 404
    )


def test_ending_all_but_the_current_one(client, make_user, login):
    make_user(email="alice@example.com")
    others = [login("alice@example.com") for _ in range(2)]
    current = login("alice@example.com")
    response = client.delete(URL, headers=bearer(current["access_token"]))
    assert response.status_code == 200 and response.get_json() == {"ended": 2}
    for pair in others:
        assert client.get(ME, headers=bearer(pair["access_token"])).status_code == 401
    assert client.get(ME, headers=bearer(current["access_token"])).status_code == 200
    again = client.delete(URL, headers=bearer(current["access_token"]))
    assert again.get_json() == {"ended": 0}


def test_sessions_need_a_token(client):
    assert client.get(URL).status_code == 401
    assert client.delete(URL).status_code == 401
    assert client.delete(f"{URL}/1").status_code == 401
