"""Test harness: one run on SQLite, one on PostgreSQL + Redis (JOBHUB_TEST_BACKEND).

Each run creates its own database (never the shared ``test`` one) and drops it at the
end. Tests commit for real, exactly as requests do, because several of them drive
separate gunicorn and Celery processes that must see the data; every test therefore
starts from empty tables (truncated after each test) and an empty Redis database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from flask_jwt_extended import create_access_token, decode_token
from sqlalchemy import event

from jobhub import create_app
from jobhub.auth.sessions.services import confirm_live
from jobhub.config import TestingConfig
from jobhub.db import db
from tests import factories
from tests.support.backends import Backend, prepare_backend

BACKEND_NAME = os.environ.get("JOBHUB_TEST_BACKEND", "sqlite")
# Shared fixtures, and the page tests' chromium, browse and live_server fixtures.
pytest_plugins = ("tests.support.fixtures", "tests.support.browser")


def pytest_report_header(config: pytest.Config) -> str:
    return f"jobhub backend: {BACKEND_NAME}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL + Redis run")
    config.addinivalue_line("markers", "slow: starts servers or workers")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND_NAME == "postgres":
        return
    skip = pytest.mark.skip(reason="runs in the PostgreSQL + Redis run (make test runs both)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with prepare_backend(BACKEND_NAME, tmp_path_factory.mktemp("db")) as prepared:
        yield prepared


@pytest.fixture(scope="session")
def schema(backend: Backend) -> None:
    engine = sa.create_engine(backend.database_url)
    app = create_app(TestingConfig(backend.environ()))
    with app.app_context():
        db.metadata.create_all(engine)
    engine.dispose()


@pytest.fixture
def app_environ(backend: Backend, upload_dir: Path) -> dict[str, str]:
    """The environment the test app is built from; tests may add to it before `app`."""
    return backend.environ(UPLOAD_DIR=str(upload_dir))


@contextmanager
def built_app(backend: Backend, environ: dict[str, str]) -> Iterator[Flask]:
    """An app on ``environ``; afterwards its tables are emptied and the test Redis flushed."""
    app = create_app(TestingConfig(environ))
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables(backend)
        for engine in db.engines.values():
            engine.dispose()
    if backend.redis_url:
        redis.Redis.from_url(backend.redis_url).flushdb()


@pytest.fixture
def app(backend: Backend, schema: None, app_environ: dict[str, str]) -> Iterator[Flask]:
    with built_app(backend, app_environ) as app:
        yield app


def _empty_tables(backend: Backend) -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if backend.name == "postgres":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(sa.text(f'DELETE FROM "{name}"'))


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def make_user(app: Flask):
    """Create and commit a user: ``make_user(role="employer", email=...)``."""
    from tests.factories import create_user

    def make(**fields):
        with app.app_context():
            user = create_user(**fields)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def auth_headers(app: Flask):
    """Bearer headers for a user, minted directly (the login flow has its own tests)."""

    def headers(user) -> dict[str, str]:
        with app.app_context():
            token = create_access_token(identity=str(user.id))
            # As a login does: the token starts confirmed live in Redis (no first-use query).
            confirm_live(jti=decode_token(token)["jti"], session_id=None)
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def make(app):
    """``make("job", company=c, title=...)``: a committed row from tests.factories, detached."""

    def build(kind: str, **fields):
        with app.app_context():
            refs = {k: _merge(v) for k, v in fields.items()}
            row = getattr(factories, f"create_{kind}")(**refs)
            db.session.commit()
            db.session.refresh(row)
            db.session.expunge(row)
            return row

    return build


def _merge(value):
    if hasattr(value, "_sa_instance_state"):
        return db.session.merge(value, load=False)
    if isinstance(value, list | tuple):
        return [_merge(item) for item in value]
    return value


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries: ...`` then ``len(queries)``: SQL statements run."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
