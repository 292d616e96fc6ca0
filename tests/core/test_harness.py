"""The test harness itself: CI refuses to skip the PostgreSQL + Redis run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.servers import ROOT


def _run_postgres_suite(**env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "JOBHUB_TEST_BACKEND": "postgres", **env}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/core/test_health.py"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_ci_fails_loudly_when_postgres_is_unreachable():
    result = _run_postgres_suite(
        CI="true", JOBHUB_TEST_PG_URL="postgresql+psycopg://x@127.0.0.1:1/x"
    )
    assert result.returncode != 0
    assert "CI=true and PostgreSQL" in result.stdout + result.stderr


@pytest.mark.slow
def test_outside_ci_an_unreachable_redis_skips_with_a_reason():
    result = _run_postgres_suite(CI="false", JOBHUB_TEST_REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 0, result.stdout
    assert "skipped" in result.stdout and "Redis at redis://127.0.0.1:1/0" in result.stdout
