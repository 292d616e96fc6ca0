"""How each operation is driven, in the order the run drives them.

A step is ``(operation key, builder)``; the builder gets the world and returns the
:class:`Case` to run, or a string: the reason the operation is skipped. Operations the
document lists and no step drives are skipped by the runner with their reason; nothing
is left out silently.
"""

from __future__ import annotations

from collections.abc import Callable

from jobhub.apicheck.checks import Case
from jobhub.apicheck.steps import NEEDS_ADMIN, Step, keep_id
from jobhub.apicheck.world import World, resume_upload

V1 = "/api/v1"
ACCOUNTS = ("candidate", "employer", "colleague", "throwaway")
# The colleague only needs to exist (it is added to the company); four logins a run
# stay under the default login limit of five a minute.
SIGNED_IN = ("candidate", "employer", "throwaway")


def _login_capture(part: str) -> Callable[[World, object], None]:
    def capture(world: World, body: object) -> None:
        if isinstance(body, dict):
            account = world.accounts[part]
            account.token = body.get("access_token")
            account.refresh_token = body.get("refresh_token")
            user = body.get("user") or {}
            if isinstance(user.get("id"), int):
                world.ids[f"{part}_id"] = user["id"]

    return capture


def register(part: str) -> Callable[[World], Case]:
    def build(world: World) -> Case:
        account = world.accounts[part]
        body = {
            "email": account.email,
            "password": account.password,
            "full_name": account.full_name,
            "role": account.role,
        }
        return Case(f"POST {V1}/auth/register", role="anonymous", body=body)

    return build


def login(part: str) -> Callable[[World], Case]:
    def build(world: World) -> Case:
        account = world.accounts[part]
        body = {"email": account.email, "password": account.password}
        return Case(
            f"POST {V1}/auth/login", role="anonymous", body=body, capture=_login_capture(part)
        )

    return build


def update_profile(world: World) -> Case:
    """The candidate's profile: desired roles and skills (the skill gap needs them)."""
    body = {
        "headline": "Backend engineer",
        "location": "Lyon, France",
        "skills": ["Python", "PostgreSQL", "Docker"],
        "years_experience": 8,
        "desired_roles": ["Senior Backend Engineer"],
        "open_to_work": True,
    }
    return Case(f"PATCH {V1}/users/me", role="candidate", body=body)


def create_company(world: World) -> Case:
    body = {"name": f"Apicheck {world.run_id}", "location": "Lyon, France", "size": "11-50"}
    return Case(f"POST {V1}/companies", role="employer", body=body, capture=keep_id("company_id"))


def create_job(world: World) -> Case | str:
    if "company_id" not in world.ids:
        return "skipped: needs company_id, which the run could not create"
    body = {
        "company_id": world.ids["company_id"],
        "title": "Senior Backend Engineer",
        "description": "Build our Flask APIs on PostgreSQL and Redis; run Celery workers.",
        "location": "Lyon, France",
        "country": "FR",
        "remote": "hybrid",
        "seniority": "senior",
        "skills": ["python", "postgresql", "docker"],
        "status": "published",
    }
    return Case(f"POST {V1}/jobs", role="employer", body=body, capture=keep_id("job_id"))


def approve_job(world: World) -> Case | str:
    if world.admin_token is None:
        return NEEDS_ADMIN
    if "job_id" not in world.ids:
        return "skipped: needs job_id, which the run could not create"
    return Case(
        f"POST {V1}/admin/jobs/{{job_id}}/moderate",
        role="admin",
        params={"job_id": world.ids["job_id"]},
        body={"decision": "approve", "message": "Checked by flask api-check."},
        capture=_approved,
    )


def _approved(world: World, body: object) -> None:
    world.job_approved = True


def upload_resume(world: World) -> Case:
    return Case(
        f"POST {V1}/resumes",
        role="candidate",
        upload=resume_upload(),
        capture=keep_id("resume_id"),
    )


def apply(world: World) -> Case | str:
    if world.admin_token is None:
        return f"{NEEDS_ADMIN}: the job waits for moderation"
    missing = [name for name in ("job_id", "resume_id") if name not in world.ids]
    if missing:
        return f"skipped: needs {', '.join(missing)}, which the run could not create"
    return Case(
        f"POST {V1}/jobs/{{job_id}}/applications",
        role="candidate",
        params={"job_id": world.ids["job_id"]},
        body={"resume_id": world.ids["resume_id"], "cover_letter": "Hello.", "source": "direct"},
        capture=keep_id("application_id"),
    )


SETUP: list[Step] = [
    *((f"POST {V1}/auth/register", register(part)) for part in ACCOUNTS),
    *((f"POST {V1}/auth/login", login(part)) for part in SIGNED_IN),
    (f"PATCH {V1}/users/me", update_profile),
    (f"POST {V1}/companies", create_company),
    (f"POST {V1}/jobs", create_job),
    (f"POST {V1}/admin/jobs/{{job_id}}/moderate", approve_job),
    (f"POST {V1}/resumes", upload_resume),
    (f"POST {V1}/jobs/{{job_id}}/applications", apply),
]
