"""schemathesis against a live gunicorn in production mode, once per role (issue 11).

The run gets its own PostgreSQL database (created, seeded, dropped) so whatever the fuzzer
writes never meets another test's rows. :func:`seed_world` creates one user per role and
the objects the operations act on (a company, jobs, an application with its interview,
feedback and notes, a resume, a saved search, notifications); their ids go into
schemathesis *dictionaries* bound to the path and query parameters of the same name, so
about half the generated requests reach a real row instead of a 404.

Each role runs with its own token and its own ``X-Forwarded-For`` (the server trusts one
proxy hop, as behind a load balancer), every check, all four phases (examples, coverage,
fuzzing, stateful), a fixed seed, deterministic generation and a time budget. The
operations that end the caller's own session are excluded (STACK-NOTES trap 15): run
against them, the rest of the run would be 401s.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import requests

from tests.support.backends import Backend, fresh_postgres_database

BIN = Path(sys.executable).parent
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
ROLES = ("anonymous", "candidate", "employer", "admin")
# Every role's requests come from its own address (per-IP limits stay per role).
ROLE_ADDRESSES = {role: f"203.0.113.{n}" for n, role in enumerate(ROLES, start=10)}
PASSWORD = "Correct-Horse-Battery-9"
# (method, path) of the operations that end the caller's own session or account.
SESSION_ENDERS = (
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/password/change"),
    ("DELETE", "/api/v1/auth/sessions"),
    ("DELETE", "/api/v1/auth/sessions/{session_id}"),
    ("DELETE", "/api/v1/users/me"),
)
SEED = 20261202
# schemathesis 4.32.5 bug: its coverage phase raises an internal KeyError while building
# cases for these operations (their `tz`/`from`/`to` query parameters), so the run
# reports an error that is none of ours. Their coverage phase is off; the examples,
# fuzzing and stateful phases still test them. Drop this once schemathesis is fixed.
COVERAGE_PHASE_OFF = ("GET /api/v1/analytics/jobs/{job_id}", "GET /api/v1/analytics/platform")
# Refusals of schema-valid requests that no OpenAPI 3.0 schema can express: the value
# must be a secret or a row that exists, or agree with another field. schemathesis'
# positive_data_acceptance accepts these statuses for these operations only (README,
# "Fuzzing"); everything else schema-valid must be accepted.
_ACCEPTED = ["2xx", "3xx", 401, 403, 404, 409, 429, "5xx"]
SEMANTIC_REFUSALS: dict[str, tuple[list[int], str]] = {
    "POST /api/v1/auth/register": (
        [422],
        "a new password must not be guessable nor contain the email or name (zxcvbn)",
    ),
    "POST /api/v1/auth/password/reset": (
        [400, 422],
        "a reset token the server never issued; a new password as for register",
    ),
    "POST /api/v1/auth/verify-email/confirm": ([400], "a verification token never issued"),
    "POST /api/v1/auth/logout": ([422], "a refresh token that is not the caller's"),
    "POST /api/v1/auth/password/change": (
        [422],
        "the current password must be right; a new password as for register",
    ),
    "DELETE /api/v1/users/me": ([422], "the password must be right"),
    "POST /api/v1/auth/2fa/enable": ([400, 422], "the code must come from the new secret"),
    "POST /api/v1/auth/2fa/disable": ([400, 422], "the password and a current code"),
    "POST /api/v1/auth/login/2fa": ([400, 422], "an mfa_token the server issued"),
    "PATCH /api/v1/users/me": ([422], "skills, desired_roles... are candidates' fields only"),
    "GET /api/v1/jobs": ([400], "a cursor the server never issued"),
    "POST /api/v1/resumes": ([415, 422], "the file's type is checked by its content"),
    "PATCH /api/v1/jobs/{job_id}": ([422], "expires_at in the future; a salary's currency"),
    "POST /api/v1/jobs": ([422], "company_id must name one of the caller's companies"),
    "POST /api/v1/saved-searches": ([422], "company_id must name an existing company"),
    "PATCH /api/v1/saved-searches/{saved_search_id}": ([422], "company_id must exist"),
    "POST /api/v1/companies/{company_id}/members": (
        [409, 422],
        "email of an employer account (422) who is not a member yet (409 duplicate)",
    ),
    "POST /api/v1/exports": (
        [422],
        "resource=jobs is for employers and admins, not candidates; filters and columns"
        " must be the chosen resource's",
    ),
    "POST /api/v1/companies/{company_id}/webhooks": (
        [422],
        "the url's host must resolve to a public address (SSRF guard; offline, none does)",
    ),
    "PATCH /api/v1/webhooks/{webhook_id}": ([422], "as creating: the url's host must resolve"),
    "POST /api/v1/imports": (
        [422],
        "company_id one of the caller's companies; a UTF-8 CSV; an API key's scope",
    ),
    # Bulk routes check every item against the rows (it exists, is the caller's, may move
    # so): one bad item is a 422 naming its index, and nothing is changed.
    "POST /api/v1/jobs/bulk": ([422], "company_id one of the caller's; each item valid"),
    "PATCH /api/v1/jobs/bulk": ([422], "every id a job of the caller's that may change so"),
    "DELETE /api/v1/jobs/bulk": ([422], "every id a job of the caller's"),
    "PATCH /api/v1/applications/bulk/status": (
        [422],
        "every id an application the caller may move; the move allowed; reason only with rejected",
    ),
    "POST /api/v1/applications/bulk": (
        [422],
        "every job open to applications and not applied to yet; resume_id the caller's",
    ),
    "POST /api/v1/jobs/{job_id}/applications": ([422], "resume_id must be the caller's"),
    "PATCH /api/v1/applications/{application_id}/status": (
        [422],
        "reason only with status rejected",
    ),
    "POST /api/v1/applications/{application_id}/interviews": (
        [422],
        "interviewer_ids must be the company's members; starts_at in the future",
    ),
    "PATCH /api/v1/interviews/{interview_id}": ([422], "as scheduling"),
    "POST /api/v1/companies/{company_id}/api-keys": (
        [422],
        "expires_at in the future (and before the year 3000, as every date)",
    ),
    "POST /api/v1/admin/jobs/{job_id}/moderate": ([422], "reason_code only with reject"),
    "POST /api/v1/admin/jobs/moderate": (
        [422],
        "every id must name an existing job; reason_code only with reject",
    ),
    "GET /api/v1/analytics/me": ([422], "tz an IANA zone; from/to an ordered, bounded range"),
    "GET /api/v1/analytics/jobs/{job_id}": ([422], "as /analytics/me"),
    "GET /api/v1/analytics/companies/{company_id}": ([422], "as /analytics/me"),
    "GET /api/v1/analytics/platform": ([422], "as /analytics/me"),
    "GET /api/v1/admin/audit": ([422], "since must not be after until"),
    "GET /api/v1/admin/audit.csv": ([422], "as /admin/audit"),
}


@dataclass
class World:
    """The seeded users (by role) and the ids of the rows operations act on."""

    emails: dict[str, str] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)


@contextmanager
def fuzz_database(backend: Backend, *, upload_dir: Path) -> Iterator[tuple[dict[str, str], World]]:
    """A fresh PostgreSQL database with the schema and :func:`seed_world`; dropped after."""
    from jobhub import create_app
    from jobhub.config import TestingConfig
    from jobhub.db import db

    with fresh_postgres_database() as url:
        environ = backend.environ(DATABASE_URL=url, UPLOAD_DIR=str(upload_dir))
        app = create_app(TestingConfig(environ))
        with app.app_context():
            db.metadata.create_all(db.engine)
            world = seed_world()
            db.session.commit()
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
        yield environ, world


def seed_world() -> World:
    """One user per role and the rows the operations need (not committed)."""
    from tests import factories as f

    world = World()
    users = {}
    for role in ("candidate", "employer", "admin"):
        email = f"fuzz-{role}@example.com"
        users[role] = f.create_user(role=role, email=email, full_name=f"Fuzz {role.title()}")
        world.emails[role] = email
    candidate, employer = users["candidate"], users["employer"]
    company = f.create_company(owner=employer, name="Fuzz Works")
    job = f.create_job(company=company, skills=["python", "sql"])
    draft = f.create_job(company=company, status="draft")
    deleted = f.create_job(company=company)
    deleted.deleted_at = deleted.created_at + timedelta(seconds=1)
    resume = f.create_resume(user=candidate, skills=["python"])
    application = f.create_application(job=job, candidate=candidate, resume_id=resume.id)
    interview = f.create_interview(application=application, organizer=employer)
    feedback = f.create_interview_feedback(interview=interview, author=employer)
    f.create_application_note(application=application, author=employer)
    search = f.create_saved_search(user=candidate, name="python jobs", q="python")
    notifications = [f.create_notification(user=user) for user in users.values()]
    world.ids = {
        "company_id": [company.id],
        "job_id": [job.id, draft.id, deleted.id],
        "resume_id": [resume.id],
        "application_id": [application.id],
        "interview_id": [interview.id],
        "feedback_id": [feedback.id],
        "saved_search_id": [search.id],
        "notification_id": [n.id for n in notifications],
        "user_id": [user.id for user in users.values()],
    }
    return world


def login(base_url: str, world: World, role: str) -> dict[str, str]:
    """The headers a role's requests carry: its address and (but anonymous) its token."""
    headers = {"X-Forwarded-For": ROLE_ADDRESSES[role]}
    if role == "anonymous":
        return headers
    response = requests.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": world.emails[role], "password": PASSWORD},
        headers=headers,
        timeout=15,
    )
    assert response.status_code == 200, response.text
    return {**headers, "Authorization": f"Bearer {response.json()['access_token']}"}


def write_config(path: Path, *, world: World, headers: dict[str, str], role: str) -> Path:
    """schemathesis.toml for one role: headers, exclusions, the id dictionaries."""
    # No cache: a run must not replay what an earlier run found (deterministic, self-contained).
    lines = [f"seed = {SEED}", "", "[cache]", "enabled = false", "", "[headers]"]
    lines += [f"{json.dumps(name)} = {json.dumps(value)}" for name, value in headers.items()]
    lines += ["", "[generation]", "deterministic = true", 'database = "none"', ""]
    lines += ["[dictionaries]"]
    lines += [f"{name} = {{ values = {json.dumps(ids)} }}" for name, ids in world.ids.items()]
    lines += ["", "[parameters]"]
    for name in world.ids:
        for location in ("path", "query"):
            lines.append(f'"{location}.{name}" = {{ dictionary = "{name}", probability = 0.5 }}')
    for name, (statuses, _why) in SEMANTIC_REFUSALS.items():
        expected = json.dumps([*_ACCEPTED, *statuses])
        lines += ["", "[[operations]]", f'include-name = "{name}"']
        lines.append(f"checks.positive_data_acceptance.expected-statuses = {expected}")
        if name in COVERAGE_PHASE_OFF:  # one block per operation: add it here
            lines.append("phases.coverage.enabled = false")
    for name in set(COVERAGE_PHASE_OFF) - set(SEMANTIC_REFUSALS):
        lines += [
            "",
            "[[operations]]",
            f'include-name = "{name}"',
            "phases.coverage.enabled = false",
        ]
    if role != "anonymous":
        for method, op_path in SESSION_ENDERS:
            lines += ["", "[[operations]]", f'include-name = "{method} {op_path}"']
            lines.append("enabled = false")
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class RoleRun:
    role: str
    returncode: int
    seconds: float
    output: str

    def failures(self) -> str:
        """The part of the output that names the failing operations and their cases."""
        start = self.output.find("FAILURES")
        text = self.output[start:] if start >= 0 else self.output
        return text[-20000:]


def strict_schema(base_url: str, destination: Path) -> Path:
    """The served OpenAPI document without ``default`` responses, so that a status an
    operation does not declare fails ``status_code_conformance`` (with ``default``
    present, any status would conform)."""
    spec = requests.get(f"{base_url}/api/openapi.json", timeout=15).json()
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("default", None)
    destination.write_text(json.dumps(spec, indent=1))
    return destination


def run_role(
    base_url: str, *, role: str, schema: Path, config: Path, max_time: int, report_dir: Path
) -> RoleRun:
    """``schemathesis run`` for one role: every check, every phase, within ``max_time``."""
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        str(schema),
        "--url",
        base_url,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-time",
        str(max_time),
        "--workers",
        "2",
        "--request-timeout",
        "20",
        "--report",
        "junit",
        "--report-dir",
        str(report_dir / role),
    ]
    # The hooks work around a schemathesis crash of its own (schemathesis_hooks.py).
    environ = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}
    started = time.monotonic()
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=max_time * 3 + 120, env=environ
    )
    output = completed.stdout + completed.stderr
    (report_dir / f"{role}.log").write_text(output)
    return RoleRun(role, completed.returncode, time.monotonic() - started, output)


def summary_line(run: RoleRun) -> str:
    """schemathesis' closing line (cases, failures, duration) for the report."""
    lines = [line for line in run.output.splitlines() if re.search(r"passed|failed", line)]
    return f"{run.role}: exit {run.returncode} in {run.seconds:.0f}s; {lines[-1] if lines else ''}"
