"""PostgreSQL restarted under gunicorn in production mode (eventlet), on a cluster of this
test's own, while threads call the API over HTTP: fast 503s with Retry-After while it is
down, /ready names the database, every request 200 once it is back without restarting
gunicorn (the pool's pre-ping), and nothing but 200 or 503 at any time."""

from __future__ import annotations

import time

import pytest
import requests
import sqlalchemy as sa

from jobhub.db import db
from jobhub.jobs.search.models import POSTGRESQL_PREPARE
from tests.support.api import register_body
from tests.support.browser import production_gunicorn
from tests.support.load import over_http
from tests.support.postgres_server import CAN_RUN_POSTGRES, CANNOT_RUN_POSTGRES, OwnPostgres
from tests.support.servers import wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not CAN_RUN_POSTGRES, reason=CANNOT_RUN_POSTGRES),
]

ME = "/api/v1/auth/me"


@pytest.fixture
def own_postgres(app):
    server = OwnPostgres()
    try:
        server.start()
        engine = sa.create_engine(server.url)
        with engine.begin() as connection:
            for statement in POSTGRESQL_PREPARE:
                connection.execute(sa.text(statement))
        db.metadata.create_all(engine)
        engine.dispose()
        yield server
    finally:
        server.remove()


def _unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text[:300]
    assert response.json()["error"] == "service_unavailable"
    assert response.headers["Retry-After"].isdigit()


def test_postgres_restart_under_gunicorn(backend, own_postgres, tmp_path):
    settings = {"DATABASE_URL": own_postgres.url, "RATELIMIT_ENABLED": "false"}
    with production_gunicorn(backend, tmp_path=tmp_path, **settings) as server:
        url = server.url
        body = register_body(email="restart@example.com")
        assert requests.post(url + "/api/v1/auth/register", json=body, timeout=15).ok
        login = requests.post(
            url + "/api/v1/auth/login",
            json={"email": body["email"], "password": body["password"]},
            timeout=15,
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        with over_http(url, token) as load:
            wait_for(lambda: load.statuses.count(200) >= 20, timeout=30, what="load before")

            own_postgres.stop()
            started = time.monotonic()
            _unavailable(requests.get(url + ME, headers=headers, timeout=15))
            assert time.monotonic() - started < 5, "a request waited on the stopped database"
            _unavailable(
                requests.post(url + "/api/v1/auth/register", json=register_body(), timeout=15)
            )
            ready = requests.get(url + "/ready", timeout=15)
            assert ready.status_code == 503
            assert ready.json()["errors"]["database"] == "unavailable"
            wait_for(lambda: load.statuses.count(503) >= 10, timeout=30, what="503s under load")

            own_postgres.start()
            wait_for(
                lambda: requests.get(url + "/ready", timeout=15).status_code == 200,
                timeout=30,
                what="/ready after PostgreSQL is back",
            )
            after = len(load.statuses)
            wait_for(lambda: len(load.statuses) >= after + 40, timeout=30, what="load after")
            assert set(load.statuses[after:]) == {200}, "a request failed after the restart"
        assert set(load.statuses) <= {200, 503}, "a request saw something else than 200 or 503"
        assert requests.get(url + ME, headers=headers, timeout=15).status_code == 200
