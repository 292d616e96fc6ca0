"""Socket.io hardening, against a real gunicorn with real python-socketio clients: the
API's security headers on engine.io's polling responses, a connection limit per user,
a rate limit on ``mark_read``, and no error line per ordinary disconnect."""

from __future__ import annotations

import pytest
import requests

from tests.notifications.live_client import LiveClient
from tests.support.servers import gunicorn, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("schema")]

LIMITS = {
    "SOCKETIO_MAX_CONNECTIONS_PER_USER": "2",
    "SOCKETIO_EVENT_RATE": "3 per minute",
    "SOCKETIO_PING_INTERVAL": "1",
    "SOCKETIO_PING_TIMEOUT": "2",
}


@pytest.fixture
def server(backend, tmp_path, app):
    with gunicorn(backend.environ(**LIMITS), async_mode="eventlet", tmp_path=tmp_path) as live:
        yield live


@pytest.fixture
def clients():
    made: list[LiveClient] = []

    def make(url: str, token: str | None, **kwargs) -> LiveClient:
        client = LiveClient(url, token, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def test_polling_responses_carry_the_security_headers(server):
    response = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert response.status_code == 200 and response.text.startswith("0{")  # the handshake
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = response.headers["Content-Security-Policy"]
    assert csp == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    bad = requests.get(f"{server.url}/socket.io/?EIO=4&transport=nonsense", timeout=10)
    assert bad.status_code == 400 and bad.headers["X-Content-Type-Options"] == "nosniff"


def test_connections_per_user_are_limited(server, clients, make_user, tokens):
    alice, bob = make_user(), make_user()
    first = clients(server.url, tokens(alice)).connect()
    second = clients(server.url, tokens(alice), transports=["polling"]).connect()
    assert first.connected and second.connected
    assert clients(server.url, tokens(alice)).refused_with() == "rate_limited"
    assert clients(server.url, tokens(bob)).connect().connected  # per user, not global
    first.close()
    wait_for(
        lambda: clients(server.url, tokens(alice)).connect_if_possible(),
        timeout=10,
        what="a freed slot",
    )


def test_mark_read_is_rate_limited(server, clients, make_user, tokens):
    user = make_user()
    tab = clients(server.url, tokens(user)).connect()
    answers = [tab.call("mark_read", {"id": 10**6 + n}) for n in range(4)]
    assert [a["error"] for a in answers[:3]] == ["not_found"] * 3
    assert answers[3]["error"] == "rate_limited"
    assert tab.connected  # refused events, not a dropped connection


def test_ordinary_disconnects_log_no_error(server, clients, make_user, tokens):
    user = make_user()
    for _ in range(2):
        clients(server.url, tokens(user)).connect().close()
    tab = clients(server.url, tokens(user)).connect()
    tab.sio.eio.ws.sock.close()  # the client just vanishes, as a closed laptop does
    wait_for(lambda: tab.disconnected.is_set(), timeout=10, what="the server to notice")
    # One more request: the server has certainly handled the close by the time it answers.
    assert clients(server.url, tokens(user)).connect().connected
    assert "socket shutdown error" not in server.log()
