"""A real Celery worker SIGKILLed in the middle of an import's insert: once a worker is
available again the import completes within a minute, with every row inserted once, on
Redis (jobhub/broker.py restores the message).

The worker is caught mid-insert deterministically: the test holds a SHARE lock on
``jobs`` (reads go on, so the validation does; writes wait), so the insert of the jobs
waits inside its transaction; the kill comes while it waits.
"""

from __future__ import annotations

import io
import logging
import time

import pytest
import redis
import sqlalchemy as sa

from tests.support.servers import celery_process, kill_process_tree, wait_for

JOBS = 60
HEADER = "title,description,status,remote,skills,salary_min,salary_max,salary_currency"


@pytest.fixture(autouse=True)
def eager():
    """Not eager here (overrides the package's fixture): a real worker runs the import."""


@pytest.fixture
def app_environ(app_environ):
    # Progress every ten rows: the validation commits several times along the way.
    return {**app_environ, "IMPORT_PROGRESS_ROWS": "10", "RATELIMIT_ENABLED": "false"}


@pytest.fixture
def company(make, employer):
    return make("company", owner=employer, verified=True)


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


def _job_titles(engine, company_id: int) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.scalars(
                sa.text("SELECT title FROM jobs WHERE company_id = :id"), {"id": company_id}
            )
        )


@pytest.mark.postgres
@pytest.mark.slow
def test_an_import_killed_mid_insert_completes_after_a_worker_is_back(
    app, app_environ, backend, api, employer, company, tmp_path
):
    rows = [f"Engineer {n},Builds things.,draft,remote,python,,," for n in range(JOBS)]
    content = ("\n".join([HEADER, *rows]) + "\n").encode()
    data = {"resource": "jobs", "company_id": str(company.id)}
    data["file"] = (io.BytesIO(content), "jobs.csv")
    queued = api.post(employer, "/imports", data=data, content_type="multipart/form-data")
    assert queued.status_code == 202, queued.get_json()
    import_id = queued.get_json()["id"]

    def status() -> dict:
        return api("GET", employer, f"/imports/{import_id}")

    engine = sa.create_engine(backend.database_url)
    locker = engine.connect()
    try:
        locker.execute(sa.text("LOCK TABLE jobs IN SHARE MODE"))
        with celery_process(app_environ, log_path=tmp_path / "first.log") as worker:
            wait_for(lambda: status()["status"] == "importing", timeout=60, what="the insert")
            wait_for(lambda: _waiting_on_a_lock(engine), timeout=30, what="the insert to wait")
            kill_process_tree(worker)
    finally:
        locker.rollback()
        locker.close()
    assert status()["status"] == "importing"  # the lost run: before, it stayed so for ever
    held = redis.Redis.from_url(backend.redis_url).hlen("unacked")
    assert held == 1, "the killed worker held no message: nothing to recover"

    started = time.monotonic()
    with celery_process(app_environ, log_path=tmp_path / "second.log"):
        wait_for(
            lambda: status()["status"] not in ("importing", "validating"),
            timeout=60,
            what="the import",
        )
    recovered_in = time.monotonic() - started
    body = status()
    assert body["status"] == "done", body
    assert recovered_in < 60
    assert (body["total"], body["created"]) == (JOBS, JOBS)

    titles = _job_titles(engine, company.id)
    engine.dispose()
    assert sorted(titles) == sorted(f"Engineer {n}" for n in range(JOBS))  # each once
    notices = api("GET", employer, "/notifications?type=import.finished")
    assert [n["data"] for n in notices] == [
        {"import_id": import_id, "status": "done", "created": JOBS}
    ]
    logging.getLogger(__name__).warning(
        "redis: import done %.1f s after the new worker was ready", recovered_in
    )
