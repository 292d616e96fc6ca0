"""The real server: gunicorn with the eventlet worker (default) and with gevent."""

from __future__ import annotations

import concurrent.futures
import json
import time

import pytest
import requests

from tests.support.servers import gunicorn

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
@pytest.mark.usefixtures("schema")
def test_gunicorn_serves_health_and_socketio_handshake(backend, tmp_path, async_mode):
    with gunicorn(backend.environ(), async_mode=async_mode, tmp_path=tmp_path) as server:
        health = requests.get(server.url + "/health", timeout=5)
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        assert health.headers["X-Request-ID"]

        handshake = requests.get(
            server.url + "/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=5
        )
        assert handshake.status_code == 200
        assert handshake.text.startswith("0")  # engine.io "open" packet
        opened = json.loads(handshake.text[1:])
        assert opened["sid"] and "websocket" in opened["upgrades"]
        assert f"Using worker: {async_mode}" in server.log()


@pytest.mark.postgres
@pytest.mark.usefixtures("schema")
def test_slow_query_does_not_stall_the_eventlet_worker(backend, tmp_path):
    """psycopg must yield to eventlet (PSYCOPG_WAIT_FUNC=wait_select, STACK-NOTES trap 2)."""
    environ = backend.environ()
    with gunicorn(
        environ, async_mode="eventlet", tmp_path=tmp_path, target="tests.support.slow_app:app"
    ) as server:
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            started = time.monotonic()
            sleeps = [
                pool.submit(requests.get, server.url + "/_test/pg-sleep/2", timeout=30)
                for _ in range(3)
            ]
            time.sleep(0.3)  # let the three slow queries reach PostgreSQL first
            health_started = time.monotonic()
            health = requests.get(server.url + "/health", timeout=30)
            health_took = time.monotonic() - health_started
            results = [future.result() for future in sleeps]
            total = time.monotonic() - started
        assert health.status_code == 200
        assert all(result.status_code == 200 for result in results)
        # Blocking would serialise: /health after ~6 s, all sleeps after ~6 s.
        assert health_took < 1.0, f"/health waited {health_took:.2f}s behind slow queries"
        assert total < 4.5, f"three concurrent 2 s queries took {total:.2f}s"
