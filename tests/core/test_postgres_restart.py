"""PostgreSQL restarted under a running app (a cluster of this test's own, never the
shared one): while it is down requests fail fast with 503 and Retry-After, no request
sees a 500, and once it is back every request succeeds without a restart (pre-ping)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.db import db
from jobhub.jobs.search.models import POSTGRESQL_PREPARE
from tests.support.api import bearer, register_body
from tests.support.load import in_process
from tests.support.postgres_server import CAN_RUN_POSTGRES, CANNOT_RUN_POSTGRES, OwnPostgres
from tests.support.servers import wait_for

ME = "/api/v1/auth/me"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not CAN_RUN_POSTGRES, reason=CANNOT_RUN_POSTGRES),
]


@pytest.fixture
def own_postgres():
    server = OwnPostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def restart_app(app_environ, own_postgres):
    environ = {**app_environ, "DATABASE_URL": own_postgres.url, "RATELIMIT_ENABLED": "false"}
    app = create_app(TestingConfig(environ))
    with app.app_context():
        engine = sa.create_engine(own_postgres.url)
        with engine.begin() as connection:
            for statement in POSTGRESQL_PREPARE:
                connection.execute(sa.text(statement))
        db.metadata.create_all(engine)
        engine.dispose()
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _signed_in(client) -> str:
    body = register_body(email="restart@example.com")
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    login = client.post(
        "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
    )
    assert login.status_code == 200, login.get_json()
    return login.get_json()["access_token"]


def test_postgres_restart_under_load(restart_app, own_postgres):
    client = restart_app.test_client()
    token = _signed_in(client)
    with in_process(restart_app, token) as load:
        wait_for(lambda: load.statuses.count(200) >= 20, timeout=30, what="load before")
        own_postgres.stop()
        started = time.monotonic()
        down = client.get(ME, headers=bearer(token))
        assert time.monotonic() - started < 5, "a request waited on the stopped database"
        assert down.status_code == 503, down.get_json()
        assert down.get_json()["error"] == "service_unavailable"
        assert down.headers["Retry-After"].isdigit()
        registering = client.post("/api/v1/auth/register", json=register_body())
        assert registering.status_code == 503
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.get_json()["errors"]["database"] == "unavailable"
        wait_for(lambda: load.statuses.count(503) >= 10, timeout=30, what="503s under load")

        own_postgres.start()
        wait_for(lambda: client.get("/ready").status_code == 200, timeout=30, what="recovery")
        after = len(load.statuses)
        wait_for(lambda: len(load.statuses) >= after + 40, timeout=30, what="load after")
        assert set(load.statuses[after:]) == {200}, "a request failed after the restart"
    assert set(load.statuses) <= {200, 503}, "a request saw something else than 200 or 503"
    assert client.get(ME, headers=bearer(token)).status_code == 200
