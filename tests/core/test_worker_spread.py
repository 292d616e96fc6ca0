"""Keep-alive clients spread over gunicorn's workers (``reuse_port`` in gunicorn.conf.py)."""

from __future__ import annotations

import http.client
from collections import Counter
from urllib.parse import urlsplit

from tests.support.servers import gunicorn

CONNECTIONS = 40


def _serving_pids(url: str, *, connections: int) -> Counter:
    """Open ``connections`` keep-alive connections at once (as clients arriving together
    do: all in the accept queue before a worker wakes), then ask on each, twice, which
    worker serves it (bench.worker_pid's header)."""
    address = urlsplit(url)
    opened: list[http.client.HTTPConnection] = []
    pids: Counter = Counter()
    try:
        for _ in range(connections):
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
            connection.connect()
            opened.append(connection)
        for connection in opened:
            for _request in range(2):  # the same worker answers again on the same connection
                connection.request("GET", "/health")
                response = connection.getresponse()
                response.read()
                assert response.status == 200
                pids[response.getheader("X-Worker-Pid")] += 1
    finally:
        for connection in opened:
            connection.close()
    return pids


def test_keep_alive_connections_spread_over_the_workers(backend, schema, tmp_path):
    environ = backend.environ(WEB_CONCURRENCY="2")
    with gunicorn(
        environ, async_mode="eventlet", tmp_path=tmp_path, target="bench.worker_pid:app"
    ) as live:
        pids = _serving_pids(live.url, connections=CONNECTIONS)
    # Two workers, each with its own SO_REUSEPORT socket: the kernel hashes connections to
    # them, so each gets about half (fewer than 8 of 40 has a chance of about 1 in 40,000).
    # With one shared socket the first worker to wake accepts the whole queue (all 50
    # clients in bench/spread.py; this test fails with GUNICORN_REUSE_PORT=false).
    assert len(pids) == 2, pids
    assert min(pids.values()) >= 2 * 8, pids
