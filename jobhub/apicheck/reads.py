"""The read operations: who calls each one, and with which query (SPEC's roles)."""

from __future__ import annotations

import re

from jobhub.apicheck.checks import Case
from jobhub.apicheck.document import Operation
from jobhub.apicheck.world import World

V1 = "/api/v1"
ADMIN_ONLY = "skipped: needs admin (--token or --admin-email/--admin-password)"
# Who calls each read; the rest are the candidate's.
ROLES = {
    "/health": "anonymous",
    "/ready": "anonymous",
    "/metrics": "anonymous",
    f"{V1}/companies": "anonymous",
    f"{V1}/companies/{{company_id}}": "anonymous",
    f"{V1}/companies/{{company_id}}/responsiveness": "anonymous",
    f"{V1}/companies/{{company_id}}/members": "employer",
    f"{V1}/companies/{{company_id}}/api-keys": "employer",
    f"{V1}/companies/{{company_id}}/webhooks": "employer",
    f"{V1}/jobs/mine": "employer",
    f"{V1}/jobs/{{job_id}}/moderation-history": "employer",
    f"{V1}/applications/{{application_id}}/notes": "employer",
    f"{V1}/applications/{{application_id}}/interviews": "employer",
    f"{V1}/interviews/{{interview_id}}": "employer",
    f"{V1}/interviews/{{interview_id}}/feedback": "employer",
    f"{V1}/analytics/jobs/{{job_id}}": "employer",
    f"{V1}/analytics/companies/{{company_id}}": "employer",
    f"{V1}/imports/{{import_id}}": "employer",
    f"{V1}/imports/{{import_id}}/errors.csv": "employer",
    f"{V1}/users": "admin",
    f"{V1}/analytics/platform": "admin",
}
# Reads that need the candidate to see the job (approved, unless the company is verified).
SEES_JOB = {f"{V1}/jobs/{{job_id}}/match", f"{V1}/matches/compare"}
PENDING_JOB = "skipped: the job waits for moderation; needs admin (--token or --admin-email)"
# Reads that need the resume analysed (the matches).
NEEDS_ANALYSIS = {
    f"{V1}/jobs/{{job_id}}/match",
    f"{V1}/matches/compare",
    f"{V1}/resumes/{{resume_id}}/matches",
    f"{V1}/resumes/skill-gap",
}
NOT_ANALYSED = "skipped: the resume's analysis did not finish within --wait (workers running?)"
# An id under another name in the world: GET /users/{user_id} reads the candidate.
ALIASES = {"user_id": "candidate_id"}
# /metrics answers loopback or a METRICS_TOKEN: from elsewhere its refusal is the answer.
EXPECT = {"/metrics": (200, 401, 403)}


def read_case(operation: Operation, world: World) -> Case | str:
    """The GET of ``operation`` with the world's ids, or why it cannot run."""
    role = ROLES.get(operation.path, "candidate")
    if operation.path in SEES_JOB and not world.job_approved:
        return PENDING_JOB
    if operation.path in NEEDS_ANALYSIS and not world.analysis_done:
        return NOT_ANALYSED
    if operation.path == f"{V1}/jobs/{{job_id}}" and not world.job_approved:
        role = "employer"
    if operation.path.startswith(f"{V1}/admin/"):
        role = "admin"
    if "webhook" in operation.path:
        role = "employer"
    if role == "admin" and world.admin_token is None:
        return ADMIN_ONLY
    params, missing = {}, []
    for name in re.findall(r"{(\w+)}", operation.path):
        value = world.ids.get(ALIASES.get(name, name))
        if value is None:
            missing.append(name)
        params[name] = value
    if missing:
        return f"skipped: needs {', '.join(missing)}, which the run could not create"
    query = _query(operation, world)
    return Case(
        operation.key,
        capture=CAPTURES.get(operation.path),
        role=role,
        params=params,
        query=query,
        expect=EXPECT.get(operation.path, ()),
    )


def _query(operation: Operation, world: World) -> dict[str, object] | None:
    if operation.path == f"{V1}/matches/compare":
        return {"resume_id": world.ids.get("resume_id"), "job_ids": str(world.ids.get("job_id"))}
    if operation.path == f"{V1}/jobs/{{job_id}}/match":
        return {"resume_id": world.ids.get("resume_id")}
    return None


def _notifications(world: World, body: object) -> None:
    ids = [item["id"] for item in body if isinstance(item, dict)] if isinstance(body, list) else []
    for name, value in zip(("notification_id", "second_notification_id"), ids, strict=False):
        world.ids[name] = value


def _sessions(world: World, body: object) -> None:
    for item in body if isinstance(body, list) else []:
        if isinstance(item, dict) and item.get("current"):
            world.ids["session_id"] = item["id"]


def _deliveries(world: World, body: object) -> None:
    if isinstance(body, list) and body and isinstance(body[0], dict):
        world.ids["delivery_id"] = body[0]["id"]


CAPTURES = {
    f"{V1}/notifications": _notifications,
    f"{V1}/auth/sessions": _sessions,
    f"{V1}/webhooks/{{webhook_id}}/deliveries": _deliveries,
}
