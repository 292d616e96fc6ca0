"""``export.progress`` reaches the owner's sockets live (a real gunicorn and a real
python-socketio client), and only the owner's."""

from __future__ import annotations

import pytest
import requests

from tests.notifications.live_client import LiveClient
from tests.support.servers import gunicorn

pytestmark = [pytest.mark.slow]


def _token(auth_headers, user) -> str:
    return auth_headers(user)["Authorization"].removeprefix("Bearer ")


def test_progress_events_reach_the_owner_live(
    app, backend, tmp_path, upload_dir, make, board, auth_headers
):
    for _ in range(2):  # five applications in all, read one per batch
        extra = make("user", role="candidate")
        make("application", job=board.jobs[0], candidate=extra)
    environ = backend.environ(UPLOAD_DIR=str(upload_dir), EXPORT_BATCH_SIZE="1")
    app.config["EXPORT_BATCH_SIZE"] = 1
    with gunicorn(environ, async_mode="eventlet", tmp_path=tmp_path) as live:
        owner = LiveClient(live.url, _token(auth_headers, board.employer)).connect()
        stranger = LiveClient(live.url, _token(auth_headers, board.candidate)).connect()
        try:
            response = requests.post(
                f"{live.url}/api/v1/exports",
                json={"resource": "applications", "format": "csv"},
                headers=auth_headers(board.employer),
                timeout=30,
            )
            assert response.status_code == 202, response.text
            export_id = response.json()["id"]
            if backend.redis_url:
                # Queued on the broker: a worker (here, this process) runs it, and its
                # emits reach the gunicorn's sockets through the Redis message queue.
                app.extensions["celery"].tasks["exports.run"].apply(args=[export_id]).get()
            seen, notifications = [], []
            while not seen or seen[-1]["progress"] < 100:
                name, payload = owner.next_event(timeout=20)
                if name == "export.progress":
                    seen.append(payload)
                elif name == "notification":
                    notifications.append(payload)
            assert {event["id"] for event in seen} == {export_id}
            # 100 only once the file is stored: reading the last row is 99.
            assert [event["progress"] for event in seen] == [0, 20, 40, 60, 80, 99, 100]
            assert [event["rows"] for event in seen] == [0, 1, 2, 3, 4, 5, 5]
            # export.ready is pushed when the export is marked done, before the final 100.
            assert [(n["type"], n["data"]["export_id"]) for n in notifications] == [
                ("export.ready", export_id)
            ]
            got = requests.get(
                f"{live.url}/api/v1/exports/{export_id}",
                headers=auth_headers(board.employer),
                timeout=30,
            ).json()
            assert (got["status"], got["progress"], got["rows"]) == ("done", 100, 5)
            assert all(name != "export.progress" for name, _ in _drain(stranger))
        finally:
            owner.close()
            stranger.close()


def _drain(client: LiveClient) -> list:
    events = []
    while not client.events.empty():
        events.append(client.events.get_nowait())
    return events
