"""gunicorn in production mode (eventlet, PostgreSQL + Redis): clean start-up logs, and
the app, not gunicorn, answering over-long query strings and foreign hosts (issue 11)."""

from __future__ import annotations

import pytest
import requests

from jobhub.inputs import MAX_QUERY_STRING
from tests.support.browser import production_gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

STARTUP_NOISE = ("Traceback", "not greened", "monkey_patching", "Working outside of")


@pytest.fixture(scope="module")
def server(backend, schema, tmp_path_factory):
    with production_gunicorn(backend, tmp_path=tmp_path_factory.mktemp("edges")) as live:
        yield live


def _envelope(response: requests.Response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == status and body["error"] == error
    return body


def test_start_up_logs_carry_no_traceback(server):
    assert requests.get(f"{server.url}/health", timeout=10).status_code == 200
    log = server.log()
    assert "Booting worker" in log
    for noise in STARTUP_NOISE:
        assert noise not in log, log


@pytest.mark.parametrize("length", [MAX_QUERY_STRING + 1, 6000, 8000])
def test_over_long_query_strings_get_the_envelope(server, length):
    url = f"{server.url}/api/v1/jobs?q=" + "a" * length
    _envelope(requests.get(url, timeout=10), 400, "bad_request")


def test_a_foreign_host_is_refused_in_the_envelope(server):
    response = requests.get(
        f"{server.url}/admin", headers={"Host": "evil.example"}, allow_redirects=False, timeout=10
    )
    _envelope(response, 400, "bad_request")
    assert "Location" not in response.headers


def test_ids_and_nul_bytes_on_postgresql_are_4xx(server):
    _envelope(requests.get(f"{server.url}/api/v1/companies/18236090788702", timeout=10), 404,
              "not_found")  # fmt: skip
    _envelope(requests.get(f"{server.url}/api/v1/jobs?q=a%00b", timeout=10), 422,
              "validation_error")  # fmt: skip
