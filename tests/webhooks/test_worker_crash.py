"""Never lost under a SIGKILLed worker: a fan-out to several endpoints, the worker killed
in the middle of an attempt and restarted, every event reaches every subscribed endpoint
and the log records exactly one success per (event, endpoint).

Delivery is at least once (Standard Webhooks): the attempt the kill interrupted had
reached the receiver, so the receiver sees that message twice, with the same webhook-id
and body, and deduplicates by the id; no other message comes twice.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

import pytest
from standardwebhooks import Webhook

from tests.support.servers import celery_process, kill_process_tree, wait_for
from tests.webhooks.conftest import API, Reply

JOBS = 20
CLOSED = 6  # jobs closed while no worker runs
HUNG = 7  # the receiver holds the 7th request: the worker is killed during that attempt
# Each endpoint's filters; "d" takes nothing this test raises.
FILTERS = {
    "a": ["job.published", "job.closed"],
    "b": ["job.published"],
    "c": ["job.closed"],
    "d": ["application.created"],
}


@pytest.fixture
def eager() -> None:
    """Not eager here: the tasks go through Redis to a real worker."""


@pytest.fixture
def app_environ(app_environ: dict[str, str]) -> dict[str, str]:
    # The timeout outlasts the hold (the worker must be inside the attempt when killed);
    # a short lease (longer than the timeout) makes the lost attempt due again soon.
    return {
        **app_environ,
        "WEBHOOKS_TIMEOUT_SECONDS": "5",
        "WEBHOOKS_LEASE_SECONDS": "10",
        "RATELIMIT_ENABLED": "false",
    }


def _log(client, headers, webhook_id: int) -> list[dict[str, Any]]:
    response = client.get(f"{API}/webhooks/{webhook_id}/deliveries?page_size=100", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_killed_worker_loses_no_webhook(
    app_environ, client, register, receiver, company, owner_headers, tmp_path
):
    endpoints = {
        name: register(f"{receiver.url}/{name}", events) for name, events in FILTERS.items()
    }
    receiver.answer(*[Reply()] * (HUNG - 1), Reply(hang=True))
    items = [
        {"company_id": company.id, "title": f"Engineer {n}", "description": "Builds things."}
        | {"status": "published"}
        for n in range(JOBS)
    ]
    response = client.post(f"{API}/jobs/bulk", json={"items": items}, headers=owner_headers)
    assert response.status_code == 200, response.get_json()
    job_ids = [result["id"] for result in response.get_json()["results"]]

    with celery_process(app_environ, log_path=tmp_path / "first.log") as worker:
        wait_for(lambda: len(receiver.requests) >= HUNG, timeout=60, what="the held attempt")
        kill_process_tree(worker)
    receiver.release.set()
    hung = receiver.requests[HUNG - 1]
    hung_name = hung.path.rsplit("/", 1)[1]
    # The interrupted attempt: claimed and counted, no outcome, waiting for its lease.
    row = next(
        d
        for d in _log(client, owner_headers, endpoints[hung_name]["id"])
        if d["event_id"] == hung.headers["webhook-id"]
    )
    assert (row["status"], row["attempt"], row["response_status"]) == ("pending", 1, None)

    # Events raised while no worker runs wait in the outbox.
    closing = [{"id": job_id, "status": "closed"} for job_id in job_ids[:CLOSED]]
    response = client.patch(f"{API}/jobs/bulk", json={"items": closing}, headers=owner_headers)
    assert response.status_code == 200, response.get_json()

    expected = {
        (name, type_, job_id)
        for name, events in FILTERS.items()
        for type_, ids in (("job.published", job_ids), ("job.closed", job_ids[:CLOSED]))
        if type_ in events
        for job_id in ids
    }
    per_endpoint = Counter(name for name, _type, _job in expected)

    def all_succeeded() -> bool:
        for name, endpoint in endpoints.items():
            log = _log(client, owner_headers, endpoint["id"])
            if len(log) != per_endpoint[name] or any(d["status"] != "succeeded" for d in log):
                return False
        return True

    started = time.monotonic()
    with celery_process(app_environ, log_path=tmp_path / "second.log", beat=True):
        wait_for(all_succeeded, timeout=90, what="every delivery to succeed after the crash")
    recovered_in = time.monotonic() - started

    # The receiver's view: every message verifies, and each (endpoint, event) arrived.
    received = set()
    copies: Counter[tuple[str, str]] = Counter()
    bodies: dict[tuple[str, str], set[str]] = {}
    for request in receiver.requests:
        name = request.path.rsplit("/", 1)[1]
        payload = Webhook(endpoints[name]["secret"]).verify(request.body, request.headers)
        key = (name, request.headers["webhook-id"])
        copies[key] += 1
        bodies.setdefault(key, set()).add(request.body)
        received.add((name, payload["type"], payload["data"]["job_id"]))
    assert received == expected
    # At least once: only the interrupted message came twice, the same id and body.
    assert {key: n for key, n in copies.items() if n > 1} == {
        (hung_name, hung.headers["webhook-id"]): 2
    }
    assert all(len(sent) == 1 for sent in bodies.values())

    # The log's view: one succeeded delivery per (event, endpoint), the ids the receiver saw.
    for name, endpoint in endpoints.items():
        log = _log(client, owner_headers, endpoint["id"])
        event_ids = [d["event_id"] for d in log]
        assert len(event_ids) == len(set(event_ids)) == per_endpoint[name]
        assert set(event_ids) == {webhook_id for (n, webhook_id) in copies if n == name}
        attempts = {d["event_id"]: d["attempt"] for d in log}
        for event_id, attempt in attempts.items():
            interrupted = (name, event_id) == (hung_name, hung.headers["webhook-id"])
            assert attempt == (2 if interrupted else 1), (name, event_id, attempt)
    assert not _log(client, owner_headers, endpoints["d"]["id"])
    assert recovered_in < 90
    logging.getLogger(__name__).warning(
        "%d deliveries, all succeeded %.1f s after the restart", sum(copies.values()), recovered_in
    )
