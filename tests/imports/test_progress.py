"""``import.progress`` reaches the asker's sockets live (a real gunicorn and a real
python-socketio client) while rows are validated and inserted, and only the asker's;
``GET /imports/{id}`` shows the same percentage."""

from __future__ import annotations

import pytest
import requests

from tests.notifications.live_client import LiveClient
from tests.support.servers import gunicorn

pytestmark = [pytest.mark.slow]


def _token(auth_headers, user) -> str:
    return auth_headers(user)["Authorization"].removeprefix("Bearer ")


def test_progress_events_reach_the_asker_live(
    app, backend, tmp_path, upload_dir, make, make_user, auth_headers
):
    employer, stranger = make_user(role="employer"), make_user(role="employer")
    company = make("company", owner=employer, verified=True)
    job = make("job", company=company)
    rows = [f"{job.id},person{n}@example.com,Person {n},applied,,,,," for n in range(3)]
    header = (
        "job_id,candidate_email,candidate_name,status,rejection_reason,cover_letter,"
        "created_at,status_changed_at,history"
    )
    content = "\n".join([header, *rows]) + "\n"
    environ = backend.environ(UPLOAD_DIR=str(upload_dir), IMPORT_PROGRESS_ROWS="1")
    app.config["IMPORT_PROGRESS_ROWS"] = 1
    with gunicorn(environ, async_mode="eventlet", tmp_path=tmp_path) as live:
        owner = LiveClient(live.url, _token(auth_headers, employer)).connect()
        other = LiveClient(live.url, _token(auth_headers, stranger)).connect()
        try:
            response = requests.post(
                f"{live.url}/api/v1/imports",
                data={"resource": "applications", "company_id": str(company.id)},
                files={"file": ("applications.csv", content.encode(), "text/csv")},
                headers=auth_headers(employer),
                timeout=30,
            )
            assert response.status_code == 202, response.text
            import_id = response.json()["id"]
            if backend.redis_url:
                # Queued on the broker: a worker (here, this process) runs it, and its
                # emits reach the gunicorn's sockets through the Redis message queue.
                app.extensions["celery"].tasks["imports.run"].apply(args=[import_id]).get()
            seen, notifications = [], []
            while not seen or seen[-1]["status"] != "done":
                name, payload = owner.next_event(timeout=20)
                if name == "import.progress":
                    seen.append(payload)
                elif name == "notification":
                    notifications.append(payload)
            assert {event["id"] for event in seen} == {import_id}
            steps = [(e["status"], e["rows"], e["progress"]) for e in seen]
            assert steps == [
                ("validating", 0, 0),  # claimed
                ("validating", 0, 0),  # the rows read, none checked yet
                ("validating", 1, 16),
                ("validating", 2, 33),
                ("validating", 3, 50),
                ("importing", 0, 50),
                ("importing", 1, 66),  # inserted, one chunk at a time
                ("importing", 2, 83),
                ("done", 3, 100),
            ]
            while not notifications:
                name, payload = owner.next_event(timeout=20)
                if name == "notification":
                    notifications.append(payload)
            assert [(n["type"], n["data"]["import_id"]) for n in notifications] == [
                ("import.finished", import_id)
            ]
            got = requests.get(
                f"{live.url}/api/v1/imports/{import_id}",
                headers=auth_headers(employer),
                timeout=30,
            ).json()
            assert (got["status"], got["progress"], got["created"]) == ("done", 100, 3)
            assert all(name != "import.progress" for name, _ in _drain(other))
        finally:
            owner.close()
            other.close()


def _drain(client: LiveClient) -> list:
    events = []
    while not client.events.empty():
        events.append(client.events.get_nowait())
    return events
