"""`flask api-check` against a live gunicorn: green on the real app, red on a broken one."""

from __future__ import annotations

import json

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.support.servers import gunicorn

pytestmark = [pytest.mark.slow]


def _check(runner, url: str, report, *extra: str):
    return runner.invoke(
        args=["api-check", "--base-url", url, "--report", str(report), "--wait", "30", *extra]
    )


def _report(report) -> dict:
    return json.loads((report / "report.json").read_text())


def test_every_operation_passes_or_is_skipped_with_a_reason(
    backend, runner, make_user, tmp_path, upload_dir
):
    admin = make_user(role="admin")
    environ = backend.environ(UPLOAD_DIR=str(upload_dir))
    with gunicorn(environ, async_mode="eventlet", tmp_path=tmp_path) as live:
        result = _check(
            runner,
            live.url,
            tmp_path / "report",
            "--admin-email",
            admin.email,
            "--admin-password",
            DEFAULT_PASSWORD,
        )
    report = _report(tmp_path / "report")
    failures = [op for op in report["operations"] if op["outcome"] == "fail"]
    assert result.exit_code == 0, (result.output, failures)
    assert report["ok"] is True
    by_key = {op["operation"]: op for op in report["operations"]}
    assert by_key["GET /api/v1/users/me"]["outcome"] == "pass"
    assert by_key["GET /api/v1/applications/{application_id}"]["outcome"] == "pass"
    skipped = [op for op in report["operations"] if op["outcome"] == "skip"]
    assert all(op["note"].startswith("skipped: ") for op in skipped), skipped


def test_a_broken_response_fails_the_run(backend, runner, tmp_path, upload_dir):
    environ = backend.environ(UPLOAD_DIR=str(upload_dir))
    target = "tests.apicheck.broken_app:app"
    with gunicorn(environ, async_mode="eventlet", tmp_path=tmp_path, target=target) as live:
        result = _check(runner, live.url, tmp_path / "report")
    assert result.exit_code == 1, result.output
    report = _report(tmp_path / "report")
    assert report["ok"] is False
    first = report["operations"][0]
    assert first["operation"] == "GET /api/v1/users/me"
    assert first["outcome"] == "fail"
    assert any("id" in problem and "integer" in problem for problem in first["problems"])
    assert [op["operation"] for op in report["operations"] if op["outcome"] == "fail"] == [
        "GET /api/v1/users/me"
    ]
