"""POST /auth/login: one answer for unknown emails and wrong passwords, sessions opened."""

from __future__ import annotations

import statistics
import time

import jwt
import pytest
from sqlalchemy import select

from jobhub.auth.models import AuthSession
from jobhub.db import db
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import bearer, fresh_ip

URL = "/api/v1/auth/login"


def post_login(client, email, password=DEFAULT_PASSWORD, **kwargs):
    kwargs.setdefault("environ_base", fresh_ip())
    return client.post(URL, json={"email": email, "password": password}, **kwargs)


def test_login_returns_a_token_pair_and_the_user(app, client, make_user):
    user = make_user(email="alice@example.com")
    response = post_login(client, " ALICE@example.com ", headers={"User-Agent": "pytest-agent/1"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh_expires_in"] == 14 * 24 * 3600
    assert body["user"]["id"] == user.id and "password_hash" not in body["user"]
    with app.app_context():
        secret = app.config["JWT_SECRET_KEY"]
        access = jwt.decode(body["access_token"], secret, ["HS256"], audience="jobhub-api")
        refresh = jwt.decode(body["refresh_token"], secret, ["HS256"], audience="jobhub-api")
        session = db.session.scalar(select(AuthSession))
        assert session.user_agent == "pytest-agent/1"
        assert session.refresh_jti == refresh["jti"]
        assert db.session.get(User, user.id).last_login_at is not None
    assert access["type"] == "access" and refresh["type"] == "refresh"
    assert access["sid"] == refresh["sid"] == session.id
    assert access["iss"] == "jobhub" and access["sub"] == str(user.id)
    assert access["exp"] - access["iat"] == 15 * 60
    me = client.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.get_json()["email"] == "alice@example.com"


def test_token_lifetimes_are_configurable(app, app_environ):
    from jobhub import create_app
    from jobhub.config import TestingConfig

    app = create_app(
        TestingConfig(
            {**app_environ, "JWT_ACCESS_TOKEN_MINUTES": "5", "JWT_REFRESH_TOKEN_DAYS": "2"}
        )
    )
    assert app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds() == 300
    assert app.config["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds() == 2 * 86400


def test_wrong_password_and_unknown_email_get_the_same_401(client, make_user):
    make_user(email="alice@example.com")
    wrong = post_login(client, "alice@example.com", "Not-The-Password-42")
    unknown = post_login(client, "nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(wrong.get_json()) == strip(unknown.get_json())
    assert wrong.get_json()["error"] == "unauthorized"


def test_unknown_email_still_verifies_a_password_hash(client, monkeypatch):
    from jobhub.users import services

    calls = []
    real = services.verify_password
    monkeypatch.setattr(services, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    assert post_login(client, "nobody@example.com").status_code == 401
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_unknown_and_known_emails_take_about_the_same_time(app, client, make_user):
    # At the production hashing cost, hashing dominates: an unknown email must pay it too.
    app.config["PASSWORD_HASH_MEMORY_KIB"] = 19 * 1024
    app.config["PASSWORD_HASH_TIME_COST"] = 2
    with app.app_context():
        from jobhub.db import db as database
        from jobhub.security import hash_password

        user = make_user(email="alice@example.com")
        database.session.get(User, user.id).password_hash = hash_password(DEFAULT_PASSWORD)
        database.session.commit()

    def timed(email: str) -> float:
        started = time.perf_counter()
        assert post_login(client, email, "Wrong-Password-Here-1").status_code == 401
        return time.perf_counter() - started

    timed("nobody@example.com")  # the dummy hash is computed once, on first use
    known = statistics.median(timed("alice@example.com") for _ in range(4))
    unknown = statistics.median(timed(f"nobody{i}@example.com") for i in range(4))
    assert 0.5 < unknown / known < 2.0, (known, unknown)


def test_disabled_account_is_403_only_with_the_right_password(client, make_user):
    make_user(email="off@example.com", is_active=False)
    assert post_login(client, "off@example.com", "Wrong-Password-Here-1").status_code == 401
    response = post_login(client, "off@example.com")
    assert response.status_code == 403
    assert response.get_json()["error"] == "account_disabled"


def test_each_login_opens_its_own_session(app, client, make_user, login):
    make_user(email="alice@example.com")
    first = login("alice@example.com")
    second = login("alice@example.com")
    with app.app_context():
        assert db.session.query(AuthSession).count() == 2
    secret = app.config["JWT_SECRET_KEY"]
    sid = lambda token: jwt.decode(token, secret, ["HS256"], audience="jobhub-api")["sid"]  # noqa: E731
    assert sid(first["access_token"]) != sid(second["access_token"])


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "a@example.com"}, {"password": "x"}, {"email": "bad", "password": "x"}],
)
def test_malformed_login_is_422(client, body):
    response = client.post(URL, json=body, environ_base=fresh_ip())
    assert response.status_code == 422


def test_login_rehashes_a_password_hashed_with_older_parameters(app, client, make_user):
    user = make_user(email="alice@example.com")  # hashed at the test cost
    with app.app_context():
        old_hash = db.session.get(User, user.id).password_hash
    app.config["PASSWORD_HASH_TIME_COST"] = 3
    assert post_login(client, "alice@example.com").status_code == 200
    with app.app_context():
        new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash and "t=3" in new_hash
