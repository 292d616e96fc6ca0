"""Webhook tests: a real HTTP receiver on loopback, a movable clock, eager tasks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.support.mail import eager_tasks

API = "/api/v1"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # hold the answer until the test ends (a receiver that times out)


class Receiver:
    """A threading http.server that records every request and answers from a script."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: list[Reply] = []
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append(Received(self.path, headers, body))
                reply = receiver.script.pop(0) if receiver.script else Reply()
                if reply.hang:
                    receiver.release.wait(30)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def answer(self, *replies: Reply) -> None:
        self.script.extend(replies)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    found.thread.start()
    yield found
    found.release.set()
    found.server.shutdown()
    found.server.server_close()


class Clock:
    """The webhooks' clock (WEBHOOKS_CLOCK): starts now, moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def app_environ(app_environ: dict[str, str]) -> dict[str, str]:
    """Loopback receivers are allowed here (the guard's own tests turn it off)."""
    return {**app_environ, "WEBHOOKS_ALLOW_PRIVATE": "true", "WEBHOOKS_TIMEOUT_SECONDS": "0.5"}


@pytest.fixture
def clock(app) -> Clock:
    moving = Clock()
    app.config["WEBHOOKS_CLOCK"] = moving
    return moving


@pytest.fixture(autouse=True)
def eager(app, clock) -> None:
    """Delivery tasks run in-process on both backends, on the movable clock."""
    eager_tasks(app)


@pytest.fixture
def owner_headers(employer, auth_headers) -> dict[str, str]:
    return auth_headers(employer)


@pytest.fixture
def register(client, company, owner_headers):
    """``register(url, events=[...], **fields)``: POST the endpoint, return its JSON."""

    def create(url: str, events: list[str] | None = None, **fields: Any) -> dict[str, Any]:
        body = {"url": url, "events": events or ["application.created"], **fields}
        response = client.post(
            f"{API}/companies/{company.id}/webhooks", json=body, headers=owner_headers
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def deliver_due(app):
    """Run the beat sweep now (on the test clock): every due delivery is attempted."""
    from jobhub.webhooks.tasks import dispatch_due

    def run() -> int:
        with app.app_context():
            return dispatch_due.apply().get()

    return run


@pytest.fixture
def deliveries(client, owner_headers):
    def listed(webhook_id: int) -> list[dict[str, Any]]:
        response = client.get(f"{API}/webhooks/{webhook_id}/deliveries", headers=owner_headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return listed
