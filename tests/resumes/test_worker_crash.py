"""At-least-once under a SIGKILLed worker: what it held runs again within a minute of a
worker being available, on Redis (jobhub/broker.py) and on RabbitMQ."""

from __future__ import annotations

import logging
import socket
import time

import pytest
import redis
from kombu import Connection

from tests.resumes.conftest import UPLOAD_URL
from tests.support.documents import RESUME_LINES, pdf_bytes
from tests.support.servers import celery_process, kill_process_tree, wait_for

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"
RESUMES = 12


def _rabbitmq_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
    except OSError:
        return False
    return True


def _statuses(client, headers, ids) -> dict[int, str]:
    return {
        rid: client.get(f"{UPLOAD_URL}/{rid}/analysis", headers=headers).get_json()["status"]
        for rid in ids
    }


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request):
    if request.param == "rabbitmq" and not _rabbitmq_running():
        pytest.skip("RabbitMQ is not running on 127.0.0.1:5672")
    return request.param


@pytest.fixture
def app_environ(app_environ, broker, unique):
    # Status polls of a dozen resumes would meet the default per-IP limit.
    environ = {**app_environ, "RATELIMIT_ENABLED": "false"}
    if broker != "rabbitmq":
        yield environ
        return
    # A queue of our own (the vhost may be shared with other runs), deleted afterwards.
    queue = f"jobhub-{unique}"
    yield {**environ, "CELERY_BROKER_URL": RABBITMQ_URL, "CELERY_DEFAULT_QUEUE": queue}
    with Connection(RABBITMQ_URL) as connection:
        connection.default_channel.queue_delete(queue)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_killed_workers_tasks_run_again_within_a_minute(
    app, app_environ, backend, client, auth_headers, candidate, upload, tmp_path, broker
):
    environ = dict(app_environ)
    headers = auth_headers(candidate)
    # Queued before any worker runs: the first worker will hold some, the rest wait.
    ids = [
        upload(candidate, pdf_bytes(RESUME_LINES), f"cv{n}.pdf").get_json()["id"]
        for n in range(RESUMES)
    ]
    first = tmp_path / "first.log"
    unacked = redis.Redis.from_url(backend.redis_url) if broker == "redis" else None

    def finished_one_and_holds_the_next() -> bool:
        # Killed between an ack and the next fetch, the worker would hold nothing to recover.
        held = unacked is None or unacked.hlen("unacked") >= 1
        return held and "succeeded" in first.read_text(errors="replace")

    with celery_process(environ, log_path=first) as worker:
        wait_for(
            finished_one_and_holds_the_next,
            timeout=60,
            what="the first worker to finish one analysis and hold the next",
        )
        kill_process_tree(worker)
    done_before = list(_statuses(client, headers, ids).values()).count("done")
    assert done_before < RESUMES, "the first worker finished everything before the kill"
    if broker == "redis":
        held = redis.Redis.from_url(backend.redis_url).hlen("unacked")
        assert held >= 1, "the killed worker held no message: nothing to recover"
    started = time.monotonic()
    with celery_process(environ, log_path=tmp_path / "second.log"):
        wait_for(
            lambda: set(_statuses(client, headers, ids).values()) == {"done"},
            timeout=60,
            what="every analysis to be done after the crash",
        )
    recovered_in = time.monotonic() - started
    notices = client.get(
        "/api/v1/notifications?type=resume.analyzed&per_page=100", headers=headers
    ).get_json()
    # Done exactly once: one resume.analyzed notification per resume.
    assert sorted(n["data"]["resume_id"] for n in notices) == sorted(ids)
    assert recovered_in < 60
    logging.getLogger(__name__).warning(
        "%s: %d done before the kill, all done %.1f s later", broker, done_before, recovered_in
    )
