"""Redis stopped and started under gunicorn in production mode (eventlet, PostgreSQL, a
redis-server of this test's own) while clients call the API and a socket.io client stays
connected: no 500 at any time; while it is down token checks, rate limits and new
sockets fail closed with 503 and Retry-After and /ready names Redis; once it is back
(empty: every rate-limit counter and revocation confirmation gone) the API, the rate
limits and socket.io delivery recover without a restart."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.db import db, transaction
from jobhub.notifications.services import notify
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.notifications.live_client import LiveClient
from tests.support.browser import production_gunicorn
from tests.support.load import over_http
from tests.support.redis_server import HAVE_REDIS_SERVER, OwnRedis
from tests.support.servers import wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not HAVE_REDIS_SERVER, reason="no redis-server"),
]

ME = "/api/v1/auth/me"
LOGIN = "/api/v1/auth/login"


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _login(url: str, email: str, password: str) -> requests.Response:
    return requests.post(url + LOGIN, json={"email": email, "password": password}, timeout=15)


def _assert_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text[:300]
    assert response.json()["error"] == "service_unavailable"
    assert response.headers["Retry-After"].isdigit()


def test_redis_outage_under_gunicorn(backend, app, make_user, own_redis, tmp_path):
    alice = make_user(email="alice@example.com")
    channel = f"jobhub-outage-{uuid.uuid4().hex[:8]}"
    settings = {"REDIS_URL": own_redis.url, "SOCKETIO_CHANNEL": channel}
    # Raises notifications as a worker would: committed, pushed through our Redis.
    emitter = create_app(TestingConfig(backend.environ(**settings)))

    def raise_notification(title: str) -> None:
        with emitter.app_context(), transaction():
            user = db.session.get(User, alice.id)
            notify(user=user, type="application.status_changed", title=title, body="-", data={})

    with production_gunicorn(
        backend, tmp_path=tmp_path, RATELIMIT_LOGIN="3 per minute", **settings
    ) as server:
        url = server.url
        signed_in = _login(url, "alice@example.com", DEFAULT_PASSWORD)
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["access_token"]
        tab = LiveClient(url, token).connect()
        try:
            tab.next_payload("unread_count")
            with over_http(url, token) as load:
                wait_for(lambda: load.statuses.count(200) >= 20, timeout=30, what="load before")

                own_redis.stop()
                started = time.monotonic()
                _assert_unavailable(requests.get(url + ME, headers=tab_headers(token), timeout=15))
                assert time.monotonic() - started < 5, "a request waited on the stopped Redis"
                _assert_unavailable(_login(url, "alice@example.com", DEFAULT_PASSWORD))
                ready = requests.get(url + "/ready", timeout=15)
                assert ready.status_code == 503
                assert ready.json()["errors"]["redis"] == "unavailable"
                refused = LiveClient(url, token)
                assert refused.refused_with() == "service_unavailable"
                wait_for(lambda: load.statuses.count(503) >= 10, timeout=30, what="503s")

                own_redis.start()  # empty: counters and revocation confirmations are gone
                wait_for(
                    lambda: requests.get(url + "/ready", timeout=15).status_code == 200,
                    timeout=30,
                    what="/ready after Redis is back",
                )
                after = len(load.statuses)
                wait_for(lambda: len(load.statuses) >= after + 40, timeout=30, what="load after")
                assert set(load.statuses[after:]) == {200}, "a request failed after recovery"
            assert set(load.statuses) <= {200, 503}, "a request saw something else than 200/503"

            # Rate limits count again in the new Redis: three refusals, then 429.
            wrong = [_login(url, "bob@example.com", "Wrong-password-123").status_code]
            wrong += [_login(url, "bob@example.com", "Wrong-password-123").status_code]
            wrong += [_login(url, "bob@example.com", "Wrong-password-123").status_code]
            limited = _login(url, "bob@example.com", "Wrong-password-123")
            assert wrong == [401, 401, 401]
            assert limited.status_code == 429 and limited.headers["Retry-After"].isdigit()

            # socket.io: the connection held through the outage gets what is raised now
            # (the server's queue listener reconnects by itself, with a backoff).
            assert tab.connected
            received = _delivered_after_recovery(tab, raise_notification)
            assert received["title"].startswith("after the outage")
            fresh = LiveClient(url, token).connect()
            try:
                assert fresh.next_payload("unread_count") is not None
            finally:
                fresh.close()
        finally:
            tab.close()
    assert "socket shutdown error" not in server.log()


def tab_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _delivered_after_recovery(tab: LiveClient, raise_notification, *, within: float = 90.0):
    """Raise a notification every few seconds until the tab gets one (or ``within``)."""
    deadline = time.monotonic() + within
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        raise_notification(f"after the outage #{attempt}")
        try:
            return tab.next_payload("notification", timeout=3)
        except AssertionError:
            continue
    raise AssertionError(f"no notification reached the socket within {within} s")
