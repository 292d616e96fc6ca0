"""Revocation storage: Redis shared by every app instance, failing closed when it is down."""

from __future__ import annotations

import pytest
import redis
from flask_jwt_extended import create_access_token, decode_token

from jobhub import create_app
from jobhub.auth.sessions.queries import KEY_PREFIX, SESSION_KEY_PREFIX
from jobhub.config import TestingConfig
from tests.support.api import bearer

ME = "/api/v1/auth/me"
CLOSED_REDIS = "redis://127.0.0.1:1/0"


def _token_for(app, user_id: int) -> str:
    with app.app_context():
        return create_access_token(str(user_id))


@pytest.mark.parametrize("limits", ["on", "off"])
def test_redis_down_fails_closed_with_503(app, app_environ, make_user, limits):
    user = make_user()
    env = {**app_environ, "REDIS_URL": CLOSED_REDIS}
    if limits == "off":
        # Without the limiter, the revocation check itself is what meets the outage.
        env["RATELIMIT_ENABLED"] = "false"
    broken = create_app(TestingConfig(env))
    response = broken.test_client().get(ME, headers=bearer(_token_for(broken, user.id)))
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"] == "service_unavailable"
    assert body["request_id"] == response.headers["X-Request-ID"]
    if limits == "off":
        assert "revocation" in body["message"]
    # A healthy instance accepts the same kind of token: the 503 was Redis, not the token.
    # (Built anew: Flask-Limiter is process-global and follows the last app initialised.)
    healthy = create_app(TestingConfig(app_environ))
    token = _token_for(healthy, user.id)
    assert healthy.test_client().get(ME, headers=bearer(token)).status_code == 200


def test_login_with_redis_down_is_503_not_500(app, app_environ, make_user):
    make_user(email="alice@example.com")
    broken = create_app(TestingConfig({**app_environ, "REDIS_URL": CLOSED_REDIS}))
    response = broken.test_client().post(
        "/api/v1/auth/login", json={"email": "alice@example.com", "password": "x"}
    )
    assert response.status_code == 503


@pytest.mark.postgres
def test_a_second_instance_sees_a_logout_at_once(app, app_environ, client, make_user, login):
    make_user(email="alice@example.com")
    pair = login("alice@example.com")
    other = create_app(TestingConfig(app_environ)).test_client()
    assert other.get(ME, headers=bearer(pair["access_token"])).status_code == 200

    assert (
        client.post("/api/v1/auth/logout", headers=bearer(pair["access_token"])).status_code == 204
    )
    refused = other.get(ME, headers=bearer(pair["access_token"]))
    assert refused.status_code == 401 and refused.get_json()["error"] == "token_revoked"


@pytest.mark.postgres
def test_a_session_ended_on_one_instance_is_refused_by_another(
    app, app_environ, client, make_user, login
):
    make_user(email="alice@example.com")
    laptop = login("alice@example.com")
    phone = login("alice@example.com")
    other = create_app(TestingConfig(app_environ)).test_client()
    response = other.delete("/api/v1/auth/sessions", headers=bearer(phone["access_token"]))
    assert response.get_json() == {"ended": 1}
    assert client.get(ME, headers=bearer(laptop["access_token"])).status_code == 401
    assert client.get(ME, headers=bearer(phone["access_token"])).status_code == 200


@pytest.mark.postgres
def test_revocations_live_in_redis_with_the_tokens_remaining_lifetime(
    app, backend, client, make_user, login
):
    make_user(email="alice@example.com")
    pair = login("alice@example.com")
    client.post("/api/v1/auth/logout", headers=bearer(pair["access_token"]))
    with app.app_context():
        claims = decode_token(pair["access_token"], allow_expired=True)
    store = redis.Redis.from_url(backend.redis_url)
    access_ttl = store.ttl(KEY_PREFIX + claims["jti"])
    assert 0 < access_ttl <= 15 * 60 + 1
    session_ttl = store.ttl(f"{SESSION_KEY_PREFIX}{claims['sid']}")
    assert 14 * 86400 - 60 < session_ttl <= 14 * 86400 + 60


# -- the database is the truth: Redis keys lost, deleted or flushed revive nothing ----------


def _revocation_keys(backend) -> list[bytes]:
    client = redis.Redis.from_url(backend.redis_url)
    return [key for key in client.keys("jobhub:*") if b"revoked:" in key or b"-ended:" in key]


@pytest.mark.postgres
def test_a_logged_out_token_stays_revoked_without_its_redis_keys(
    app, backend, client, make_user, login
):
    make_user(email="alice@example.com")
    pair = login("alice@example.com")
    assert client.get(ME, headers=bearer(pair["access_token"])).status_code == 200
    logout = client.post(
        "/api/v1/auth/logout",
        headers=bearer(pair["access_token"]),
        json={"refresh_token": pair["refresh_token"]},
    )
    assert logout.status_code == 204
    keys = _revocation_keys(backend)
    assert keys, "logout marks the token and its session in Redis"
    redis.Redis.from_url(backend.redis_url).delete(*keys)

    refused = client.get(ME, headers=bearer(pair["access_token"]))
    assert refused.status_code == 401 and refused.get_json()["error"] == "token_revoked"
    again = client.post("/api/v1/auth/refresh", headers=bearer(pair["refresh_token"]))
    assert again.status_code == 401


@pytest.mark.postgres
def test_a_flushed_redis_revives_no_ended_session(app, backend, client, make_user, login):
    make_user(email="alice@example.com")
    laptop = login("alice@example.com")
    phone = login("alice@example.com")
    for pair in (laptop, phone):  # both confirmed live, so Redis holds a confirmation
        assert client.get(ME, headers=bearer(pair["access_token"])).status_code == 200
    ended = client.delete("/api/v1/auth/sessions", headers=bearer(phone["access_token"]))
    assert ended.get_json() == {"ended": 1}
    redis.Redis.from_url(backend.redis_url).flushdb()

    assert client.get(ME, headers=bearer(laptop["access_token"])).status_code == 401
    assert client.get(ME, headers=bearer(phone["access_token"])).status_code == 200


@pytest.mark.postgres
def test_a_live_session_costs_the_database_one_check_per_confirmation(
    app, backend, client, make_user, login, count_queries
):
    make_user(email="alice@example.com")
    token = login("alice@example.com")["access_token"]

    def session_checks() -> int:
        with count_queries() as statements:
            for _ in range(5):
                assert client.get(ME, headers=bearer(token)).status_code == 200
        return len([s for s in statements if "revoked_tokens" in s])

    assert session_checks() == 0  # the login confirmed its session in Redis
    store = redis.Redis.from_url(backend.redis_url)
    store.delete(*store.keys("jobhub:session-live:*"))
    assert session_checks() == 1  # lost: the database answers once, then Redis again
