"""The run: read the document, create the world, drive every operation, collect results."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from jobhub.apicheck.cases import SETUP
from jobhub.apicheck.checks import Case, Checker, Result
from jobhub.apicheck.client import Client
from jobhub.apicheck.document import Operation, operations
from jobhub.apicheck.mfa import MFA
from jobhub.apicheck.reads import read_case
from jobhub.apicheck.steps import Step
from jobhub.apicheck.world import World
from jobhub.apicheck.writes import (
    BY_MAIL,
    BY_PROVIDER,
    CREATE,
    DELETE,
    FINAL,
    NOT_DRIVEN,
    UPDATE,
)

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
            if not result.calls:
                result.outcome, result.note = "skip", built
            return None
        if result.outcome == "skip":
            result.outcome, result.note = "pass", ""
        response = self.checker.run(built, operation, self.world, result)
        if probe and built.params:
            self.checker.probe_missing(built, operation, self.world, result)
        if not 200 <= response.status < 300:
            return None
        body = response.json()
        if built.capture is not None:
            built.capture(self.world, body)
        return body

    def steps(self, steps: list[Step], progress: Callable[[str], None]) -> None:
        for key, build in steps:
            progress(key)
            self.drive(key, build(self.world))

    def reads(self, progress: Callable[[str], None]) -> None:
        """Every GET the steps did not drive, with the world's ids."""
        for operation in self.by_key.values():
            if operation.method == "GET" and operation.key not in self.results:
                progress(operation.key)
                self.drive(operation.key, read_case(operation, self.world), probe=True)


def run_checks(
    base_url: str,
    *,
    admin_token: str | None = None,
    admin_login: tuple[str, str] | None = None,
    wait_seconds: float = ANALYSIS_WAIT_SECONDS,
    repeat: int = 1,
    webhook_url: str | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> CheckRun:
    """Check every operation the deployment at ``base_url`` documents."""
    started, clock = datetime.now(UTC), time.perf_counter()
    client = Client(base_url)
    document = _document(client)
    by_key = {operation.key: operation for operation in operations(document)}
    session = Session(
        Checker(client, document, repeat),
        World(admin_token=admin_token, webhook_url=webhook_url),
        by_key,
    )
    if admin_login:
        _sign_in_admin(session, *admin_login)
    session.steps(SETUP + CREATE + MFA + BY_MAIL + BY_PROVIDER, progress)
    _await_background(session, wait_seconds)
    session.reads(progress)
    session.steps(UPDATE, progress)
    _await_import(session, wait_seconds)
    session.steps(DELETE + FINAL, progress)
    for key, reason in NOT_DRIVEN.items():
        session.drive(key, reason)
    stamp = started.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    run = CheckRun(base_url, stamp)
    run.results = [_result(session, operation) for operation in by_key.values()]
    run.duration_s = time.perf_counter() - clock
    return run


def _result(session: Session, operation: Operation) -> Result:
    found = session.results.get(operation.key)
    if found is not None:
        return found
    return Result(operation, outcome="skip", note="skipped: this version of the check has no step")


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


# What runs in the background, by the id the world keeps: (path, who reads it).
BACKGROUND = {
    "resume_id": ("resumes", "candidate"),
    "export_id": ("exports", "candidate"),
    "import_id": ("imports", "employer"),
}
FINISHED = ("done", "failed", "undone")
# An import (a dry run) stops at `validated` until confirmed.
SETTLED = (*FINISHED, "validated")


def _await_background(session: Session, wait_seconds: float) -> None:
    """Poll the resume's analysis, the export and the import's validation until they
    settle (the reads, and the import's confirmation, need them)."""
    world = session.world
    states = _await(session, [name for name in BACKGROUND if name in world.ids], wait_seconds)
    world.analysis_done = states.get("resume_id") == "done"
    world.import_validated = states.get("import_id") == "validated"


def _await_import(session: Session, wait_seconds: float) -> None:
    """After /confirm: poll the import until it is done (undo needs it)."""
    world = session.world
    if "import_id" in world.ids and world.import_validated:
        # It still reads `validated` until a worker takes the confirmed import.
        states = _await(session, ["import_id"], wait_seconds, settled=FINISHED)
        world.import_done = states.get("import_id") == "done"


def _await(
    session: Session, names: list[str], wait_seconds: float, *, settled: tuple[str, ...] = SETTLED
) -> dict[str, str | None]:
    """Each named row's state once in ``settled`` (absent if not before the deadline)."""
    world, deadline = session.world, time.monotonic() + wait_seconds
    states: dict[str, str | None] = {}
    waiting = list(names)
    while waiting and time.monotonic() < deadline:
        for name in list(waiting):
            kind, part = BACKGROUND[name]
            path = f"/api/v1/{kind}/{world.ids[name]}"
            answer = session.checker.client.call("GET", path, token=world.token(part))
            body = answer.json()
            state = (
                body.get("analysis_status", body.get("status")) if isinstance(body, dict) else None
            )
            if state in settled or answer.status != 200:
                states[name] = state
                waiting.remove(name)
        if waiting:
            time.sleep(POLL_SECONDS)
    return states
