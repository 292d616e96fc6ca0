"""`flask api-check` against a live gunicorn: green on the real app, red on a broken one."""

from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.support.servers import celery_worker, free_port, gunicorn

pytestmark = [pytest.mark.slow]


# Operations that `flask api-check` does not drive yet: listed as skipped in its report.
NO_STEP_YET: set[str] = set()
# The bulk and import operations (driven with resource=jobs), each called with a valid
# example and refused without a token.
BULK_AND_IMPORTS = (
    "POST /api/v1/applications/bulk",
    "PATCH /api/v1/applications/bulk/status",
    "POST /api/v1/jobs/bulk",
    "PATCH /api/v1/jobs/bulk",
    "DELETE /api/v1/jobs/bulk",
    "POST /api/v1/imports",
    "GET /api/v1/imports/{import_id}",
    "POST /api/v1/imports/{import_id}/confirm",
    "GET /api/v1/imports/{import_id}/errors.csv",
    "POST /api/v1/imports/{import_id}/undo",
)


def _check(runner, url: str, report, *extra: str):
    return runner.invoke(
        args=["api-check", "--base-url", url, "--report", str(report), "--wait", "30", *extra]
    )


@contextmanager
def _deployment(backend, tmp_path, upload_dir, target: str = "wsgi:app"):
    """gunicorn serving ``target``, with a Celery worker when there is a broker (on SQLite
    the tasks run in the web process)."""
    # The webhook receiver is a loopback port nobody listens on: deliveries fail, quietly.
    environ = backend.environ(UPLOAD_DIR=str(upload_dir), WEBHOOKS_ALLOW_PRIVATE="true")
    with ExitStack() as stack:
        if backend.redis_url:
            stack.enter_context(celery_worker(environ, tmp_path=tmp_path))
        yield stack.enter_context(
            gunicorn(environ, async_mode="eventlet", tmp_path=tmp_path, target=target)
        )


def _report(report) -> dict:
    return json.loads((report / "report.json").read_text())


def test_every_operation_passes_or_is_skipped_with_a_reason(
    backend, runner, make_user, tmp_path, upload_dir
):
    admin = make_user(role="admin")
    with _deployment(backend, tmp_path, upload_dir) as live:
        result = _check(
            runner,
            live.url,
            tmp_path / "report",
            "--admin-email",
            admin.email,
            "--admin-password",
            DEFAULT_PASSWORD,
            "--webhook-url",
            f"http://127.0.0.1:{free_port()}/hooks",
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
    # Every documented operation has a step: nothing is skipped with an admin and a receiver.
    assert {op["operation"] for op in skipped} == NO_STEP_YET, skipped
    for key in BULK_AND_IMPORTS:
        assert (by_key[key]["outcome"], by_key[key]["calls"] > 1) == ("pass", True), by_key[key]
    reset = by_key["POST /api/v1/auth/password/reset"]
    assert (reset["status"], reset["outcome"]) == (400, "pass")
    assert all(op["p50_ms"] is not None for op in report["operations"] if op["outcome"] == "pass")
    page = (tmp_path / "report" / "report.html").read_text()
    assert "PASSED" in page and "Domain: applications" in page
    # Self-contained: no script, nothing loaded from anywhere.
    assert "<script" not in page and "src=" not in page and "<link" not in page


def test_a_broken_response_fails_the_run(backend, runner, tmp_path, upload_dir):
    target = "tests.apicheck.broken_app:app"
    with _deployment(backend, tmp_path, upload_dir, target) as live:
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
    by_key = {op["operation"]: op for op in report["operations"]}
    # No admin: the admin operations, and what needs the job approved, say so.
    assert by_key["GET /api/v1/users"]["outcome"] == "skip"
    assert by_key["GET /api/v1/users"]["note"].startswith("skipped: needs admin")
    assert "moderation" in by_key["POST /api/v1/jobs/{job_id}/applications"]["note"]
    page = (tmp_path / "report" / "report.html").read_text()
    assert page.index("Failures") < page.index("GET /api/v1/users/me") < page.index("Domain: ")
    assert "FAILED" in page
    csv_lines = (tmp_path / "report" / "report.csv").read_text().splitlines()
    assert csv_lines[1].startswith("users,GET /api/v1/users/me,fail,")


def test_an_admin_token_drives_the_admin_operations(
    backend, runner, make_user, auth_headers, tmp_path, upload_dir
):
    token = auth_headers(make_user(role="admin"))["Authorization"].removeprefix("Bearer ")
    with _deployment(backend, tmp_path, upload_dir) as live:
        result = _check(runner, live.url, tmp_path / "report", "--token", token)
    assert result.exit_code == 0, result.output
    by_key = {op["operation"]: op for op in _report(tmp_path / "report")["operations"]}
    for key in ("GET /api/v1/users", "POST /api/v1/admin/jobs/{job_id}/moderate"):
        assert (by_key[key]["outcome"], by_key[key]["role"]) == ("pass", "admin")
