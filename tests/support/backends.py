"""The database and Redis a test run uses, created for the run and dropped after it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get(
    "JOBHUB_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("JOBHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_SECRETS = {
    "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
    "JWT_SECRET_KEY": "test-jwt-secret-0123456789abcdef0123456789",
}


@dataclass(frozen=True)
class Backend:
    name: str
    database_url: str
    redis_url: str | None
    admin_url: str | None = None
    # Pub/sub is shared by every Redis database: concurrent test runs need their own channel.
    socketio_channel: str = field(default_factory=lambda: f"jobhub-test-{uuid.uuid4().hex[:8]}")
    # So is a Redis database: each run's tasks go to its own queue, never to another
    # run's worker (one run's worker once delivered another run's mail).
    celery_queue: str = field(default_factory=lambda: f"jobhub-test-{uuid.uuid4().hex[:8]}")

    def environ(self, **extra: str) -> dict[str, str]:
        """Environment for an app (in process or in a server process) on this backend."""
        env = {"JOBHUB_CONFIG": "testing", "DATABASE_URL": self.database_url, **TEST_SECRETS}
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
            env["SOCKETIO_CHANNEL"] = self.socketio_channel
            env["CELERY_DEFAULT_QUEUE"] = self.celery_queue
        env.update(extra)
        return env


def _unreachable(what: str, detail: str) -> None:
    message = f"{what} is not reachable ({detail}); the PostgreSQL + Redis run needs it."
    if IN_CI:
        pytest.exit(f"CI=true and {message}", returncode=3)
    pytest.skip(message)


def _check_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _unreachable(f"Redis at {url}", str(exc))


@contextmanager
def _postgres_database() -> Iterator[tuple[str, str]]:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        _unreachable(f"PostgreSQL at {PG_ADMIN_URL}", str(exc).splitlines()[0])
    name = f"jobhub_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name)
    try:
        yield url.render_as_string(hide_password=False), name
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test's servers (its URL); dropped after."""
    with _postgres_database() as (url, _name):
        yield url


@contextmanager
def prepare_backend(name: str, tmp_dir: Path) -> Iterator[Backend]:
    if name == "sqlite":
        yield Backend("sqlite", f"sqlite:///{tmp_dir / 'jobhub_test.db'}", None)
        return
    if name != "postgres":
        raise pytest.UsageError(f"JOBHUB_TEST_BACKEND must be sqlite or postgres, not {name!r}")
    _check_redis(REDIS_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()
    with _postgres_database() as (url, _db_name):
        yield Backend("postgres", url, REDIS_URL, admin_url=PG_ADMIN_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()
