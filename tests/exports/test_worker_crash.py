"""A real Celery worker SIGKILLed in the middle of an export: once a worker is available
again the export completes within a minute, with exactly one file holding every row.

The worker is caught mid-build deterministically: the test holds an ACCESS EXCLUSIVE
lock on ``jobs`` while the worker claims the export (which reads only ``exports`` and
``users``), so the build's first read of the jobs waits; the kill comes while it waits.
"""

from __future__ import annotations

import csv
import io
import logging
import time

import pytest
import redis
import sqlalchemy as sa

from tests.support.servers import celery_process, kill_process_tree, wait_for

JOBS = 60


@pytest.fixture(autouse=True)
def eager():
    """Not eager here (overrides the package's fixture): a real worker runs the export."""


@pytest.fixture
def app_environ(app_environ):
    # A batch of ten: the build commits progress several times along the way.
    return {**app_environ, "EXPORT_BATCH_SIZE": "10", "RATELIMIT_ENABLED": "false"}


def _waiting_on_a_lock(engine) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND query ILIKE '%jobs%'"
                )
            )
        )


@pytest.mark.postgres
@pytest.mark.slow
def test_an_export_killed_mid_build_completes_after_a_worker_is_back(
    app, app_environ, backend, api, board, make, upload_dir, tmp_path
):
    for n in range(JOBS - len(board.jobs)):
        make("job", company=board.company, title=f"Engineer {n}")
    queued = api.post(board.employer, "/exports", json={"resource": "jobs", "format": "csv"})
    assert queued.status_code == 202, queued.get_json()
    export_id = queued.get_json()["id"]

    def status() -> dict:
        return api("GET", board.employer, f"/exports/{export_id}")

    engine = sa.create_engine(backend.database_url)
    locker = engine.connect()
    try:
        locker.execute(sa.text("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE"))
        with celery_process(app_environ, log_path=tmp_path / "first.log") as worker:
            wait_for(lambda: status()["status"] == "running", timeout=60, what="the claim")
            wait_for(lambda: _waiting_on_a_lock(engine), timeout=30, what="the build to wait")
            kill_process_tree(worker)
    finally:
        locker.rollback()
        locker.close()
    engine.dispose()
    assert status()["status"] == "running"  # the lost run: before, it stayed so for ever
    held = redis.Redis.from_url(backend.redis_url).hlen("unacked")
    assert held == 1, "the killed worker held no message: nothing to recover"

    started = time.monotonic()
    with celery_process(app_environ, log_path=tmp_path / "second.log"):
        wait_for(lambda: status()["status"] != "running", timeout=60, what="the export")
    recovered_in = time.monotonic() - started
    body = status()
    assert body["status"] == "done", body
    assert recovered_in < 60
    assert body["rows"] == JOBS

    files = [p for p in (upload_dir / "exports").rglob("*") if p.is_file()]
    assert len(files) == 1, files
    download = api.get(board.employer, f"/exports/{export_id}/download")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.data.decode("utf-8"), newline="")))
    assert len(rows) == JOBS
    assert len({row["id"] for row in rows}) == JOBS
    notices = api("GET", board.employer, "/notifications?type=export.ready")
    assert [n["data"]["export_id"] for n in notices] == [export_id]
    logging.getLogger(__name__).warning(
        "export recovered %.1f s after the new worker", recovered_in
    )
