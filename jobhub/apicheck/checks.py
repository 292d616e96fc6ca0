"""One operation's checks: status, body schema, the refusal without a token, envelopes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from jobhub.apicheck.client import Client, Response, Upload
from jobhub.apicheck.document import Operation
from jobhub.apicheck.validation import envelope_problems, schema_problems
from jobhub.apicheck.world import World

MISSING_ID = 2_147_483_000
# A 429 is waited out once when the server asks for at most this long.
MAX_RETRY_AFTER_SECONDS = 60


@dataclass
class Case:
    """How to call one operation: as whom, with what; ``capture`` keeps ids for later."""

    key: str
    role: str = "candidate"
    params: dict[str, object] = field(default_factory=dict)
    query: dict[str, object] | None = None
    body: object = None
    upload: Upload | None = None
    expect: tuple[int, ...] = ()
    capture: Callable[[World, object], None] | None = None
    note: str = ""
    # A token other than the role's access token (a refresh token).
    bearer: str | None = None

    def token(self, world: World) -> str | None:
        return self.bearer or world.token(self.role)


@dataclass
class Result:
    """Everything seen for one documented operation."""

    operation: Operation
    outcome: str = "pass"
    role: str = ""
    status: int | None = None
    problems: list[str] = field(default_factory=list)
    timings_ms: list[float] = field(default_factory=list)
    calls: int = 0
    note: str = ""

    def fail(self, problem: str) -> None:
        self.outcome = "fail"
        if problem not in self.problems:  # a repeated call fails the same way
            self.problems.append(problem)


@dataclass
class Checker:
    client: Client
    document: dict
    # Extra timed calls of each read (GET), for its p50/p95.
    repeat: int = 1

    def run(self, case: Case, operation: Operation, world: World, result: Result) -> Response:
        """The main call, then the refusals; every problem goes into ``result``."""
        path = operation.path.format(**case.params)
        expected = case.expect or tuple(operation.success_statuses[:1])
        result.role, result.note = case.role, case.note
        if operation.secured and case.role != "anonymous":
            self._refusal(operation, path, case, result)
        response = self._call(operation, path, case, case.token(world), result, timed=True)
        result.status = response.status
        if response.status not in expected:
            result.fail(f"status {response.status}, expected {_statuses(expected)}")
            result.problems.extend(_body_excerpt(response))
        for _ in range(self.repeat - 1 if operation.method == "GET" else 0):
            again = self._call(operation, path, case, case.token(world), result, timed=True)
            if again.status != response.status:
                result.fail(f"repeated: status {again.status}, first {response.status}")
        return response

    def probe_missing(self, case: Case, operation: Operation, world: World, result: Result) -> None:
        """A GET of a row that does not exist: 404 in the envelope."""
        params = {name: MISSING_ID for name in case.params}
        path = operation.path.format(**params)
        response = self._call(operation, path, case, case.token(world), result)
        if response.status != 404:
            result.fail(f"missing row: status {response.status}, expected 404")

    def _refusal(self, operation: Operation, path: str, case: Case, result: Result) -> None:
        response = self._call(operation, path, case, None, result)
        if response.status != 401:
            result.fail(f"without a token: status {response.status}, expected 401")

    def _call(
        self,
        operation: Operation,
        path: str,
        case: Case,
        token: str | None,
        result: Result,
        *,
        timed: bool = False,
    ) -> Response:
        """One call; the main ones (``timed``) count in the endpoint's p50/p95."""
        response = self._send(operation.method, path, case, token)
        result.calls += 1
        if timed:
            result.timings_ms.append(response.elapsed_ms)
        for problem in self._problems(operation, response):
            result.fail(f"{response.status}: {problem}")
        return response

    def _send(self, method: str, path: str, case: Case, token: str | None) -> Response:
        arguments = {"token": token, "query": case.query, "body": case.body, "upload": case.upload}
        response = self.client.call(method, path, **arguments)
        wait = _retry_after(response)
        if wait is not None:
            time.sleep(wait)  # the server asked: a deployment's rate limit, waited out once
            response = self.client.call(method, path, **arguments)
        return response

    def _problems(self, operation: Operation, response: Response) -> list[str]:
        if response.status == 0:
            return [response.error or "no response"]
        if not operation.documents(response.status):
            return [f"status {response.status} is not documented"]
        if response.status >= 400:
            return envelope_problems(response.json(), response.status)
        schema = operation.response_schema(response.status)
        if schema is None or response.content_type != "application/json":
            return []
        body = response.json()
        if body is None and response.body:
            return ["the body is not JSON"]
        return schema_problems(body, schema, self.document)


def _retry_after(response: Response) -> float | None:
    if response.status != 429:
        return None
    try:
        seconds = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER_SECONDS else None


def _statuses(expected: tuple[int, ...]) -> str:
    return " or ".join(str(status) for status in expected)


def _body_excerpt(response: Response) -> list[str]:
    text = response.body[:300].decode("utf-8", errors="replace")
    return [f"body: {text}"] if text else []
