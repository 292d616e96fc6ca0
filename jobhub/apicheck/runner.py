"""The run: read the document, create the world, drive every operation, collect results."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from jobhub.apicheck.cases import SETUP, Builder
from jobhub.apicheck.checks import Case, Checker, Result
from jobhub.apicheck.client import Client
from jobhub.apicheck.document import Operation, operations
from jobhub.apicheck.reads import read_case
from jobhub.apicheck.world import World

DOCUMENT_PATH = "/api/openapi.json"
ANALYSIS_WAIT_SECONDS = 60.0
POLL_SECONDS = 0.25


class DocumentError(Exception):
    """The deployment's OpenAPI document could not be read."""


@dataclass
class CheckRun:
    base_url: str
    started_at: str
    results: list[Result] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def failed(self) -> list[Result]:
        return [result for result in self.results if result.outcome == "fail"]

    def counts(self) -> dict[str, int]:
        counts = {"pass": 0, "fail": 0, "skip": 0}
        for result in self.results:
            counts[result.outcome] += 1
        return counts


@dataclass
class Session:
    """One run's state: the checker, the world, and a result per operation key."""

    checker: Checker
    world: World
    by_key: dict[str, Operation]
    results: dict[str, Result] = field(default_factory=dict)

    def drive(self, key: str, built: Case | str | None, *, probe: bool = False) -> object:
        """Run ``built`` (or record why it is skipped); the body of a success, else None."""
        operation = self.by_key.get(key)
        if operation is None or built is None:
            return None
        result = self.results.setdefault(key, Result(operation))
        if isinstance(built, str):
            if not result.timings_ms:
                result.outcome, result.note = "skip", built
            return None
        if result.outcome == "skip":
            result.outcome, result.note = "pass", ""
        response = self.checker.run(built, operation, self.world, result)
        if probe and built.params:
            self.checker.probe_missing(built, operation, self.world, result)
        body = response.json() if 200 <= response.status < 300 else None
        if built.capture is not None and body is not None:
            built.capture(self.world, body)
        return body


def run_checks(
    base_url: str,
    *,
    admin_token: str | None = None,
    admin_login: tuple[str, str] | None = None,
    wait_seconds: float = ANALYSIS_WAIT_SECONDS,
    progress: Callable[[str], None] = lambda line: None,
) -> CheckRun:
    """Check every operation the deployment at ``base_url`` documents."""
    started, clock = datetime.now(UTC), time.perf_counter()
    client = Client(base_url)
    document = _document(client)
    by_key = {operation.key: operation for operation in operations(document)}
    session = Session(Checker(client, document), World(admin_token=admin_token), by_key)
    if admin_login:
        _sign_in_admin(session, *admin_login)
    for key, build in SETUP:
        progress(key)
        session.drive(key, _built(build, session.world))
    _await_analysis(session, wait_seconds)
    for operation in by_key.values():
        if operation.method == "GET" and operation.key not in session.results:
            progress(operation.key)
            session.drive(operation.key, read_case(operation, session.world), probe=True)
    run = CheckRun(base_url, started.isoformat().replace("+00:00", "Z"))
    run.results = [_result(session, operation) for operation in by_key.values()]
    run.duration_s = time.perf_counter() - clock
    return run


def _built(build: Builder, world: World) -> Case | str | None:
    return build(world)


def _result(session: Session, operation: Operation) -> Result:
    found = session.results.get(operation.key)
    if found is not None:
        return found
    return Result(
        operation, outcome="skip", note="skipped: not driven by this version of the check"
    )


def _document(client: Client) -> dict:
    response = client.call("GET", DOCUMENT_PATH)
    document = response.json()
    if response.status != 200 or not isinstance(document, dict) or "paths" not in document:
        detail = response.error or f"status {response.status}"
        raise DocumentError(f"could not read {client.base_url}{DOCUMENT_PATH}: {detail}")
    return document


def _sign_in_admin(session: Session, email: str, password: str) -> None:
    def capture(world: World, body: object) -> None:
        if isinstance(body, dict):
            world.admin_token = body.get("access_token")

    case = Case(
        "POST /api/v1/auth/login",
        role="anonymous",
        body={"email": email, "password": password},
        capture=capture,
    )
    session.drive(case.key, case)


def _await_analysis(session: Session, wait_seconds: float) -> None:
    """Poll the uploaded resume until its analysis is done (the matching reads need it)."""
    resume_id, token = session.world.ids.get("resume_id"), session.world.token("candidate")
    if resume_id is None:
        return
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        response = session.checker.client.call("GET", f"/api/v1/resumes/{resume_id}", token=token)
        body = response.json()
        if not isinstance(body, dict) or body.get("analysis_status") in ("done", "failed"):
            return
        time.sleep(POLL_SECONDS)
