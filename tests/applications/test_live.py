"""The pipeline live: real python-socketio clients against gunicorn see each step.

A status change reaches the candidate's socket on both backends (the requests and the
sockets share one gunicorn); the whole hiring story, with a reminder raised in another
process as beat's worker would, runs in the PostgreSQL + Redis run.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from jobhub.applications.interviews.reminders import services as reminders
from jobhub.db import transaction, utcnow
from jobhub.notifications import services as notifications
from tests.notifications.live_client import LiveClient
from tests.support.api import iso
from tests.support.servers import gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("schema")]


@pytest.fixture
def server(backend, tmp_path, app):
    with gunicorn(backend.environ(), async_mode="eventlet", tmp_path=tmp_path) as live:
        yield live


class Http:
    """The API over real HTTP, as a given user."""

    def __init__(self, url: str, auth_headers) -> None:
        self.url = url
        self.auth_headers = auth_headers

    def __call__(self, method: str, user, path: str, *, expect: int, **kwargs) -> dict | None:
        response = requests.request(
            method,
            f"{self.url}/api/v1{path}",
            headers=self.auth_headers(user),
            timeout=15,
            **kwargs,
        )
        assert response.status_code == expect, response.text
        return response.json() if response.content else None


@pytest.fixture
def sockets(server, auth_headers):
    """``sockets(user)`` → a connected LiveClient that has had its first unread_count."""
    made: list[LiveClient] = []

    def connect(user) -> LiveClient:
        token = auth_headers(user)["Authorization"].removeprefix("Bearer ")
        client = LiveClient(server.url, token).connect()
        client.next_payload("unread_count")
        made.append(client)
        return client

    yield connect
    for client in made:
        client.close()


def _notification(client: LiveClient, type_: str) -> dict:
    """The next ``notification`` event, which must be of ``type_``."""
    payload = client.next_payload("notification", timeout=15)
    assert payload["type"] == type_, payload
    return payload


def test_the_candidate_sees_a_status_change_live(server, sockets, auth_headers, world):
    http = Http(server.url, auth_headers)
    application = http("POST", world.candidate, f"/jobs/{world.job.id}/applications", expect=201)
    candidate = sockets(world.candidate)
    http(
        "PATCH",
        world.member,
        f"/applications/{application['id']}/status",
        json={"status": "screening", "note": "internal only"},
        expect=200,
    )
    payload = _notification(candidate, "application.status_changed")
    assert payload["data"]["application_id"] == application["id"]
    assert payload["data"]["to_status"] == "screening"
    assert "internal only" not in str(payload)
    assert candidate.next_payload("unread_count") == {"count": 1}


@pytest.mark.postgres
def test_the_whole_hiring_story_live(app, server, sockets, auth_headers, world):
    """Apply → screening → interview (invites, reminder) → feedback → offer → hired."""
    http = Http(server.url, auth_headers)
    candidate = sockets(world.candidate)
    members = [sockets(world.member), sockets(world.recruiter)]
    outsiders = [sockets(world.other_candidate), sockets(world.other_employer)]

    application = http("POST", world.candidate, f"/jobs/{world.job.id}/applications", expect=201)
    app_id = application["id"]
    for member in members:
        assert _notification(member, "application.received")["data"]["application_id"] == app_id

    def move(user, status: str) -> None:
        http("PATCH", user, f"/applications/{app_id}/status", json={"status": status}, expect=200)

    move(world.member, "screening")
    assert _notification(candidate, "application.status_changed")["data"]["to_status"] == (
        "screening"
    )

    starts_at = utcnow() + timedelta(days=2)
    interview = http(
        "POST",
        world.member,
        f"/applications/{app_id}/interviews",
        json={
            "starts_at": iso(starts_at),
            "duration_minutes": 60,
            "kind": "onsite",
            "location": "Acme HQ",
            "interviewer_ids": [world.recruiter.id],
        },
        expect=201,
    )
    assert _notification(candidate, "application.status_changed")["data"]["to_status"] == (
        "interviewing"
    )
    scheduled = _notification(candidate, "interview.scheduled")
    assert scheduled["data"]["interview_id"] == interview["id"]
    assert scheduled["data"]["location"] == "Acme HQ"

    moved_to = starts_at + timedelta(hours=3)
    http(
        "PATCH",
        world.recruiter,
        f"/interviews/{interview['id']}",
        json={"starts_at": iso(moved_to)},
        expect=200,
    )
    updated = _notification(candidate, "interview.updated")
    assert updated["data"]["starts_at"] == iso(moved_to)

    # Beat's worker, 23 hours before: the reminder crosses processes through Redis.
    with app.app_context(), transaction():
        assert reminders.send_due(now=moved_to - timedelta(hours=23)) == 1
    assert _notification(candidate, "interview.reminder")["data"]["reminder"] == "24h"
    assert (
        _notification(members[1], "interview.reminder")["data"]["interview_id"] == (interview["id"])
    )

    http(
        "POST",
        world.recruiter,
        f"/interviews/{interview['id']}/feedback",
        json={"rating": 5, "recommendation": "strong_yes", "notes": "Hire."},
        expect=201,
    )
    move(world.member, "offered")
    assert _notification(candidate, "application.status_changed")["data"]["to_status"] == (
        "offered"
    )
    move(world.candidate, "hired")
    for member in members:
        accepted = _notification(member, "application.status_changed")
        assert accepted["data"]["to_status"] == "hired"
        assert "accepted the offer" in accepted["title"]

    final = http("GET", world.candidate, f"/applications/{app_id}", expect=200)
    assert final["status"] == "hired"
    # Nobody else saw anything: the first notification outsiders get is one meant for them.
    with app.app_context(), transaction():
        for user in (world.other_candidate, world.other_employer):
            notifications.notify(user=user, type="job.match", title="yours", body="b")
    for outsider in outsiders:
        assert outsider.next_payload("notification")["title"] == "yours"
