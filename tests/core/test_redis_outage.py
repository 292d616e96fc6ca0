"""Redis stopped and started under a running app (our own redis-server, never the shared
one): token checks fail closed with 503 and Retry-After, /ready names Redis, no 500, and
everything recovers without a restart."""

from __future__ import annotations

import pytest

from jobhub import create_app
from jobhub.config import TestingConfig
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import bearer
from tests.support.redis_server import HAVE_REDIS_SERVER, OwnRedis
from tests.support.servers import wait_for

ME = "/api/v1/auth/me"

pytestmark = pytest.mark.skipif(not HAVE_REDIS_SERVER, reason="no redis-server")


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_redis_down_then_back(app, app_environ, make_user, own_redis):
    make_user(email="alice@example.com")
    env = {**app_environ, "REDIS_URL": own_redis.url, "SOCKETIO_CHANNEL": "jobhub-outage-test"}
    outage_app = create_app(TestingConfig(env))
    client = outage_app.test_client()
    login = client.post(
        "/api/v1/auth/login", json={"email": "alice@example.com", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.get_json()
    token = login.get_json()["access_token"]
    assert client.get(ME, headers=bearer(token)).status_code == 200

    own_redis.stop()
    for _ in range(3):
        down = client.get(ME, headers=bearer(token))
        assert down.status_code == 503, down.get_json()
        assert down.headers["Retry-After"].isdigit()
        assert down.get_json()["error"] == "service_unavailable"
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.get_json()["errors"]["redis"] == "unavailable"

    own_redis.start()  # empty: every revocation confirmation is gone
    wait_for(lambda: client.get("/ready").status_code == 200, timeout=20, what="recovery")
    assert client.get(ME, headers=bearer(token)).status_code == 200
