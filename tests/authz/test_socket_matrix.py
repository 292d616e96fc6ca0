"""The matrix's socket.io part: connect and every client event, against a served app.

gunicorn (eventlet) serves the app on the world's database; a real python-socketio
client connects as each role, with the role's access token (keys: the API key as the
token, which the server must refuse), and sends each event on the object its relation
names.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jobhub.extensions import socketio
from tests.authz.matrix import SOCKET_EVENTS, SOCKET_UNCHECKED, SocketEvent
from tests.authz.world import ADMIN_SETUP, KEY, KEY_UNSCOPED, ROLE_USER, ROLES, World
from tests.notifications.live_client import LiveClient
from tests.support.servers import Server, gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(backend, matrix_app, world, tmp_path_factory) -> Iterator[Server]:
    environ = backend.environ(UPLOAD_DIR=str(matrix_app.config["AUTHZ_UPLOADS"]))
    tmp_path = tmp_path_factory.mktemp("authz-socket")
    with gunicorn(environ, async_mode="eventlet", tmp_path=tmp_path) as live:
        yield live


def _token(world: World, role: str) -> str | None:
    if role in (KEY, KEY_UNSCOPED):
        return world.keys["all"]
    if role == ADMIN_SETUP:
        return world.setup_token
    name = ROLE_USER.get(role)
    return world.access_tokens[name] if name else None


def _entries() -> list:
    return [
        pytest.param(event, role, relation, outcome, id=f"{event.event} {role}/{relation}")
        for event in SOCKET_EVENTS
        for (role, relation), outcome in sorted(event.cases.items())
    ]


@pytest.mark.parametrize(("event", "role", "relation", "expected"), _entries())
def test_socket_entry(server, world, event: SocketEvent, role, relation, expected) -> None:
    client = LiveClient(server.url, _token(world, role))
    try:
        if not client.connect_if_possible():
            outcome = client.connect_errors[-1]["data"]["error"]
        elif event.event == "connect":
            outcome = "connected"
        else:
            notification_id = world.object(event.obj, role, relation)
            ack = client.call(event.event, {"id": notification_id})
            outcome = ack.get("error", "ok")
            if outcome == "ok":
                assert ack["id"] == notification_id, ack
    finally:
        client.close()
    assert outcome == expected, f"{event.event} as {role}/{relation}: {outcome}"


def test_every_socket_event_has_an_entry(matrix_app) -> None:
    registered = {name for name, _handler, _namespace in socketio.handlers}
    declared = {event.event for event in SOCKET_EVENTS} | set(SOCKET_UNCHECKED)
    missing = sorted(registered - declared)
    assert not missing, (
        f"socket.io handlers without a matrix entry: {missing}; add a SocketEvent(...) to "
        "SOCKET_EVENTS in tests/authz/matrix.py (README.md, Testing > Authorization matrix)"
    )
    for event in SOCKET_EVENTS:
        assert {role for role, _ in event.cases} == set(ROLES), event.event
