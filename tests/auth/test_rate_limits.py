"""Rate limits on the account endpoints: per IP and per email, 429 in the envelope."""

from __future__ import annotations

import uuid

from tests.factories import DEFAULT_PASSWORD
from tests.support.api import fresh_ip, register_body

LOGIN = "/api/v1/auth/login"


def assert_429(response) -> None:
    assert response.status_code == 429, response.get_json()
    body = response.get_json()
    assert body["error"] == "rate_limited" and body["code"] == 429
    assert int(response.headers["Retry-After"]) > 0
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_login_is_limited_to_5_per_minute_per_ip(client, make_user):
    make_user(email="alice@example.com")
    ip = fresh_ip()
    for n in range(5):
        email = f"user{n}@example.com"  # different emails: only the IP limit applies
        response = client.post(LOGIN, json={"email": email, "password": "x"}, environ_base=ip)
        assert response.status_code == 401
        assert response.headers["X-RateLimit-Limit"] == "5"
    blocked = client.post(
        LOGIN, json={"email": "alice@example.com", "password": DEFAULT_PASSWORD}, environ_base=ip
    )
    assert_429(blocked)
    # Another address is not affected.
    other = client.post(
        LOGIN,
        json={"email": "alice@example.com", "password": DEFAULT_PASSWORD},
        environ_base=fresh_ip(),
    )
    assert other.status_code == 200


def test_login_is_limited_to_5_per_minute_per_email_across_ips(client, make_user):
    # Addresses of this test's own: the limit counts per address, across tests too.
    alice, bob = (f"{name}-{uuid.uuid4().hex[:8]}@example.com" for name in ("alice", "bob"))
    make_user(email=alice)
    for _ in range(5):
        response = client.post(
            LOGIN,
            json={"email": alice, "password": "Wrong-Pass-99x"},
            environ_base=fresh_ip(),
        )
        assert response.status_code == 401
    # The same address, spelled differently, from yet another IP, with the right password.
    blocked = client.post(
        LOGIN,
        json={"email": " " + alice.upper(), "password": DEFAULT_PASSWORD},
        environ_base=fresh_ip(),
    )
    assert_429(blocked)
    other_email = client.post(LOGIN, json={"email": bob, "password": "x"}, environ_base=fresh_ip())
    assert other_email.status_code == 401


def test_forgot_password_is_limited_per_email(client, mailbox):
    for _ in range(5):
        response = client.post(
            "/api/v1/auth/password/forgot", json={"email": "a@example.com"}, environ_base=fresh_ip()
        )
        assert response.status_code == 202
    blocked = client.post(
        "/api/v1/auth/password/forgot", json={"email": "a@example.com"}, environ_base=fresh_ip()
    )
    assert_429(blocked)


def test_register_is_limited_per_ip(client, mailbox):
    ip = fresh_ip()
    for n in range(10):
        response = client.post(
            "/api/v1/auth/register",
            json={
                "email": f"u{n}@example.com",
                "password": "x",
                "full_name": "U",
                "role": "candidate",
            },
            environ_base=ip,
        )
        assert response.status_code == 422
    blocked = client.post(
        "/api/v1/auth/register",
        json=register_body(email="new@example.com", full_name="New Person"),
        environ_base=ip,
    )
    assert_429(blocked)


def test_limits_come_from_configuration(app, app_environ):
    from jobhub import create_app
    from jobhub.config import TestingConfig

    app = create_app(TestingConfig({**app_environ, "RATELIMIT_LOGIN": "2 per minute"}))
    client = app.test_client()
    ip = fresh_ip()
    for _ in range(2):
        response = client.post(LOGIN, json={"email": "a@b.co", "password": "x"}, environ_base=ip)
        assert response.status_code == 401
    assert_429(client.post(LOGIN, json={"email": "c@b.co", "password": "x"}, environ_base=ip))


def test_register_is_limited_per_email_across_ips(client, mailbox):
    body = {"email": "dup@example.com", "password": "x", "full_name": "D", "role": "candidate"}
    for _ in range(10):
        assert (
            client.post("/api/v1/auth/register", json=body, environ_base=fresh_ip()).status_code
            == 422
        )
    assert_429(client.post("/api/v1/auth/register", json=body, environ_base=fresh_ip()))
