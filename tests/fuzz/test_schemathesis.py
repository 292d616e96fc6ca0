"""schemathesis per role against gunicorn in production mode: zero failures (issue 11).

Part of the PostgreSQL + Redis run (``make test``); ``make fuzz`` runs it with a longer
budget. ``JOBHUB_FUZZ_SECONDS`` is each role's time budget (default 130: about 10
minutes for the four roles with the server's start), ``JOBHUB_FUZZ_ROLES`` a comma list
to run only some roles. See the README's "Fuzzing" section.
"""

from __future__ import annotations

import logging
import os

import pytest

from tests.support.browser import production_gunicorn
from tests.support.fuzzing import (
    ROLES,
    fuzz_database,
    login,
    run_role,
    strict_schema,
    summary_line,
    write_config,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
log = logging.getLogger(__name__)

BUDGET = int(os.environ.get("JOBHUB_FUZZ_SECONDS", "130"))
SELECTED = [r for r in os.environ.get("JOBHUB_FUZZ_ROLES", ",".join(ROLES)).split(",") if r]
# Production mode, behind one trusted proxy (each role's X-Forwarded-For is its address),
# with the default per-IP limit raised so the fuzzer reaches the operations; the limits
# of login, register, password and account routes stay as deployed (429s are declared).
SERVER_ENVIRON = {"PROXY_FIX_X_FOR": "1", "RATELIMIT_DEFAULT": "100000 per minute"}


@pytest.fixture(scope="module")
def fuzz_target(backend, schema, tmp_path_factory):
    if backend.redis_url is None:
        pytest.skip("production mode needs Redis: runs in the PostgreSQL + Redis run")
    uploads = tmp_path_factory.mktemp("fuzz-uploads")
    with fuzz_database(backend, upload_dir=uploads) as (environ, world):
        server_env = {
            **SERVER_ENVIRON,
            "DATABASE_URL": environ["DATABASE_URL"],
            "UPLOAD_DIR": environ["UPLOAD_DIR"],
        }
        tmp = tmp_path_factory.mktemp("fuzz-server")
        with production_gunicorn(backend, tmp_path=tmp, **server_env) as server:
            yield server, world


@pytest.mark.xfail(
    reason="issue 11 open: each full run of 2026-12-03 still found one new case (the last:"
    " an undeclared 409 on PATCH /jobs/{id}, now declared); README, Fuzzing, Status",
    strict=False,
)
def test_schemathesis_finds_nothing_for_any_role(fuzz_target, tmp_path):
    """Every role, one after the other (an employer's deletions must come in a fixed order)."""
    server, world = fuzz_target
    schema = strict_schema(server.url, tmp_path / "openapi.json")
    runs = []
    for role in SELECTED:
        headers = login(server.url, world, role)
        config = write_config(tmp_path / f"{role}.toml", world=world, headers=headers, role=role)
        runs.append(
            run_role(
                server.url,
                role=role,
                schema=schema,
                config=config,
                max_time=BUDGET,
                report_dir=tmp_path,
            )
        )
        log.warning(summary_line(runs[-1]))
    failed = [run for run in runs if run.returncode != 0]
    report = "\n\n".join(f"=== {run.role} ===\n{run.failures()}" for run in failed)
    assert not failed, f"schemathesis failed for {[r.role for r in failed]}:\n{report}"
