"""What every benchmark needs: its own PostgreSQL database and Redis, and server processes.

Everything runs on this machine, on loopback; the database is created for the run and
dropped after it, and the benchmark's Redis database is emptied before and after.
"""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import sqlalchemy as sa

from tests.support.servers import ROOT, _process_env, wait_for

PG_ADMIN_URL = os.environ.get(
    "JOBHUB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("JOBHUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BIN = Path(sys.executable).parent
SECRETS = {
    "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789abcdef",
    "JWT_SECRET_KEY": "bench-jwt-secret-0123456789abcdef0123456789abcdef",
}


class Unavailable(RuntimeError):
    """PostgreSQL or Redis cannot be reached: the benchmark cannot run here."""


@contextmanager
def backend() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database and an empty Redis database; yields the app environment."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        raise Unavailable(f"Redis at {REDIS_URL}: {exc}") from exc
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"jobhub_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        raise Unavailable(f"PostgreSQL at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}") from exc
    redis.Redis.from_url(REDIS_URL).flushdb()
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(False)
    try:
        yield {
            "JOBHUB_CONFIG": "production",
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "SOCKETIO_CHANNEL": f"jobhub-bench-{uuid.uuid4().hex[:8]}",
            "LOG_LEVEL": "WARNING",
            **SECRETS,
        }
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def raise_open_files_limit(needed: int) -> int:
    """Raise this process's (and its children's) open-files limit towards ``needed``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = needed if hard == resource.RLIM_INFINITY else min(max(soft, needed), hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@contextmanager
def celery_worker(
    environ: dict[str, str], *, app: str, log_path: Path, concurrency: int = 1
) -> Iterator[subprocess.Popen]:
    """A Celery worker for ``app`` (``module:attribute``), ready when this yields."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                app,
                "worker",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=_process_env(environ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"celery exited early:\n{log_path.read_text()}")
        return "ready." in log_path.read_text(errors="replace")

    try:
        wait_for(ready, timeout=60, what="the celery worker to be ready")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
