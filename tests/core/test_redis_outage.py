"""Redis stopped and started under a running app (our own redis-server, never the shared
one): token checks fail closed with 503 and Retry-After, /ready names Redis, no 500, and
everything recovers without a restart."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import redis

from jobhub import create_app
from jobhub.config import TestingConfig
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import bearer
from tests.support.servers import free_port, stop_process, wait_for

ME = "/api/v1/auth/me"

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server")


class OwnRedis:
    """A redis-server of this test's own, stopped and started on the same port."""

    def __init__(self, tmp_path) -> None:
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.dir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(self._answers, timeout=10, what="our redis-server")

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


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
