"""Export tests: a small board (a company, its jobs, applications with histories)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.mail import eager_tasks


@pytest.fixture(autouse=True)
def eager(app):
    """The export task runs in-process on both backends (as the SQLite run always does)."""
    eager_tasks(app)


@dataclass
class Board:
    employer: Any
    company: Any
    jobs: list
    candidate: Any
    other: Any
    applications: list


@pytest.fixture
def board(make, make_user, employer, company) -> Board:
    candidate = make_user(role="candidate", full_name="Chloé Dubois", email="chloe@example.com")
    other = make_user(role="candidate", full_name="Omar Haddad", email="omar@example.com")
    backend = make("job", company=company, title="Backend Engineer", skills=["python", "sql"])
    frontend = make("job", company=company, title="Frontend Engineer", status="closed")
    first = make("application", job=backend, candidate=candidate, status="screening")
    make(
        "application_event",
        application=first,
        actor=employer,
        from_status="applied",
        to_status="screening",
    )
    second = make("application", job=frontend, candidate=candidate)
    third = make("application", job=backend, candidate=other, status="rejected")
    make(
        "application_event",
        application=third,
        actor=employer,
        from_status="applied",
        to_status="rejected",
        reason="position_filled",
    )
    return Board(employer, company, [backend, frontend], candidate, other, [first, second, third])


def finished(api, user, export_id: int, *, timeout: float = 20.0) -> dict:
    """The export once it left queued/running (the task is eager: at once, normally)."""
    deadline = time.monotonic() + timeout
    while True:
        body = api("GET", user, f"/exports/{export_id}")
        if body["status"] not in ("queued", "running"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def export(api, user, **request) -> tuple[dict, bytes]:
    """POST /exports, wait for it, download it: (the export, the file's bytes)."""
    queued = api.post(user, "/exports", json=request)
    assert queued.status_code == 202, queued.get_json()
    body = finished(api, user, queued.get_json()["id"])
    assert body["status"] == "done", body
    download = api.get(user, f"/exports/{body['id']}/download")
    assert download.status_code == 200, download.get_json()
    return body, download.data
