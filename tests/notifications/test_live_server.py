"""Live delivery against a real gunicorn with a real python-socketio client.

Connect checks, the first ``unread_count``, ``mark_read`` and keep-alive run on both
backends; delivery across processes (another process, another gunicorn) needs the
Redis message queue and runs in the PostgreSQL + Redis run. Every test on ``server``
(connect, refusals, delivery, logout) runs twice there: on the testing config, and on
gunicorn in production mode with ``CORS_ORIGINS`` set, every client sending the
server's own origin as ``Origin``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import engineio
import pytest
import requests
from flask_jwt_extended import decode_token

from jobhub.auth.services import revoke_token
from jobhub.db import transaction
from jobhub.notifications import services
from jobhub.signals import user_logged_out
from tests.notifications.live_client import LiveClient
from tests.support.browser import FRONTEND_ORIGIN, production_gunicorn
from tests.support.servers import ROOT, _process_env, gunicorn, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("schema")]

KEEPALIVE = {"SOCKETIO_PING_INTERVAL": "1", "SOCKETIO_PING_TIMEOUT": "2"}
# Production's public address: a TLS proxy in front forwards to the gunicorn under test.
PUBLIC_URL = "https://jobs.jobhub.test"


@pytest.fixture(scope="module")
def production_server(backend, schema, tmp_path_factory):
    """gunicorn in production mode: ``CORS_ORIGINS`` and ``PUBLIC_BASE_URL`` set."""
    if backend.redis_url is None:
        pytest.skip("production mode needs Redis: runs in the PostgreSQL + Redis run")
    tmp_path = tmp_path_factory.mktemp("production")
    environ = {"PUBLIC_BASE_URL": PUBLIC_URL, **KEEPALIVE}
    with production_gunicorn(backend, tmp_path=tmp_path, **environ) as live:
        yield live


@pytest.fixture
def testing_server(backend, tmp_path, app):
    with gunicorn(backend.environ(**KEEPALIVE), async_mode="eventlet", tmp_path=tmp_path) as live:
        yield live


@pytest.fixture(params=["testing", pytest.param("production", marks=pytest.mark.postgres)])
def server(request):
    """Connect, delivery, refusals and logout: on the testing config and in production."""
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture
def clients():
    """``clients(url, token, transports=...)`` → a LiveClient closed after the test."""
    made: list[LiveClient] = []

    def make(url: str, token: str | None, **kwargs) -> LiveClient:
        client = LiveClient(url, token, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _raise_in_another_process(backend, user_id: int, title: str) -> int:
    emitter = "tests.notifications.emitter"
    result = subprocess.run(
        [sys.executable, "-m", emitter, "--user-id", str(user_id), "--title", title],
        cwd=ROOT,
        env=_process_env(backend.environ()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])["id"]


def test_connect_refusals_name_the_reason(server, clients, make_user, tokens, app):
    user = make_user()
    disabled = make_user(is_active=False)
    revoked = tokens(user)
    with app.app_context(), transaction():
        revoke_token(payload=decode_token(revoked))
    cases = {
        None: "unauthorized",
        "not-a-jwt": "unauthorized",
        tokens(user, expires_delta=timedelta(seconds=-5)): "token_expired",
        tokens(user, refresh=True): "unauthorized",
        revoked: "token_revoked",
        tokens(disabled): "account_disabled",
    }
    for token, error in cases.items():
        assert clients(server.url, token).refused_with() == error, token
    assert clients(server.url, tokens(user)).connect().connected


@pytest.mark.postgres
def test_production_accepts_its_own_public_and_configured_origins_only(
    production_server, clients, make_user, tokens
):
    token = tokens(make_user())
    url = production_server.url
    for transports in (["websocket"], ["polling"]):
        # Its own address (a page it served, a script), the public one, the front end's,
        # and a client that sends no Origin at all.
        for origin in (url, PUBLIC_URL, FRONTEND_ORIGIN, None):
            tab = clients(url, token, transports=transports, origin=origin).connect()
            assert tab.next_payload("unread_count") == {"count": 0}, (transports, origin)
            tab.close()
        for origin in ("https://evil.example", f"{PUBLIC_URL}:8443", "http://127.0.0.1:1"):
            refused = clients(url, token, transports=transports, origin=origin)
            assert refused.handshake_refused(), (transports, origin)
    assert "https://evil.example is not an accepted origin" in production_server.log()


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_unread_count_on_connect_and_mark_read(
    backend, tmp_path, app, async_mode, clients, make_user, tokens, add_notifications
):
    user = make_user()
    first, _second = add_notifications(user, 2)  # raised while the user was offline
    with gunicorn(backend.environ(), async_mode=async_mode, tmp_path=tmp_path) as live:
        tab = clients(live.url, tokens(user)).connect()
        assert tab.next_payload("unread_count") == {"count": 2}
        polling = clients(live.url, tokens(user), transports=["polling"]).connect()
        assert polling.next_payload("unread_count") == {"count": 2}

        assert tab.call("mark_read", {"id": first}) == {"id": first, "count": 1}
        assert polling.next_payload("unread_count") == {"count": 1}
        assert tab.call("mark_read", {"id": 10**9})["error"] == "not_found"


def test_ping_pong_keeps_the_connection_alive(server, clients, make_user, tokens):
    user = make_user()
    tab = clients(server.url, tokens(user)).connect()
    pings: list[float] = []
    receive = tab.sio.eio._receive_packet

    def counting(packet) -> None:
        if packet.packet_type == engineio.packet.PING:
            pings.append(1)
        receive(packet)

    tab.sio.eio._receive_packet = counting
    wait_for(lambda: len(pings) >= 3, timeout=15, what="three engine.io pings")
    assert tab.connected
    assert tab.call("mark_read", {"id": 1})["error"] == "not_found"


@pytest.mark.postgres
def test_a_notification_from_another_process_reaches_every_tab_of_its_user_only(
    backend, server, clients, make_user, tokens
):
    alice, bob = make_user(), make_user()
    tabs = [
        clients(server.url, tokens(alice)).connect(),
        clients(server.url, tokens(alice), transports=["polling"]).connect(),
    ]
    other = clients(server.url, tokens(bob)).connect()
    for client in (*tabs, other):
        assert client.next_payload("unread_count") == {"count": 0}

    for_alice = _raise_in_another_process(backend, alice.id, "for alice")
    for tab in tabs:
        payload = tab.next_payload("notification")
        assert payload["id"] == for_alice and payload["title"] == "for alice"
        assert tab.next_payload("unread_count") == {"count": 1}
    _raise_in_another_process(backend, bob.id, "for bob")
    # Published after alice's on the same queue: had bob got hers, it would come first.
    assert other.next_event()[1]["title"] == "for bob"


@pytest.mark.postgres
def test_a_rolled_back_notification_is_never_delivered(app, server, clients, make_user, tokens):
    user = make_user()
    tab = clients(server.url, tokens(user)).connect()
    tab.next_payload("unread_count")

    def notify_then_fail() -> None:
        with app.app_context(), transaction():
            services.notify(user=user, type="job.match", title="rolled back", body="b")
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        notify_then_fail()
    with app.app_context(), transaction():
        services.notify(user=user, type="job.match", title="committed", body="b")
    assert tab.next_payload("notification")["title"] == "committed"


@pytest.mark.postgres
def test_logout_anywhere_closes_the_users_sockets(app, server, clients, make_user, tokens):
    alice, bob = make_user(), make_user()
    token = tokens(alice)
    tabs = [clients(server.url, token).connect() for _ in range(2)]
    other_device = clients(server.url, tokens(alice)).connect()  # another login of alice's
    other = clients(server.url, tokens(bob)).connect()
    # What the auth domain does on logout, here in another process than the sockets'.
    with app.app_context(), transaction():
        revoke_token(payload=decode_token(token))
        user_logged_out.send(app, user_id=alice.id, all_sessions=False)
    for tab in tabs:
        assert tab.disconnected.wait(10), "the logout did not close the socket"
        assert tab.disconnect_reasons == ["server disconnect"]
    assert clients(server.url, token).refused_with() == "token_revoked"
    with app.app_context(), transaction():
        services.notify(user=bob, type="job.match", title="still live", body="b")
        services.notify(user=alice, type="job.match", title="alice still live", body="b")
    assert other.next_payload("notification")["title"] == "still live"
    assert other_device.next_payload("notification")["title"] == "alice still live"


@pytest.mark.postgres
def test_a_change_made_on_another_web_process_reaches_the_socket(
    backend, tmp_path, testing_server, clients, make_user, tokens, auth_headers, add_notifications
):
    server = testing_server
    user = make_user()
    (notification_id,) = add_notifications(user)
    tab = clients(server.url, tokens(user)).connect()
    assert tab.next_payload("unread_count") == {"count": 1}
    with gunicorn(backend.environ(), async_mode="gevent", tmp_path=tmp_path) as other_web:
        response = requests.post(
            f"{other_web.url}/api/v1/notifications/{notification_id}/read",
            headers=auth_headers(user),
            timeout=10,
        )
        assert response.status_code == 200
        assert tab.next_payload("unread_count") == {"count": 0}


@pytest.mark.postgres
def test_offline_notifications_are_listed_and_counted_on_next_connect(
    backend, testing_server, clients, make_user, tokens, auth_headers
):
    server = testing_server
    user = make_user()
    ids = [_raise_in_another_process(backend, user.id, f"offline {n}") for n in range(2)]
    tab = clients(server.url, tokens(user)).connect()
    assert tab.next_payload("unread_count") == {"count": 2}
    listed = requests.get(
        f"{server.url}/api/v1/notifications", headers=auth_headers(user), timeout=10
    ).json()
    assert [item["id"] for item in listed] == ids[::-1]
    assert [item["title"] for item in listed] == ["offline 1", "offline 0"]
    assert all(item["read"] is False for item in listed)
