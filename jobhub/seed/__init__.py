"""Demo data for `flask seed`: idempotent, sized by options, grown by each domain."""

from __future__ import annotations

from dataclasses import dataclass, field

from jobhub.notifications import queries as notification_queries
from jobhub.notifications import services as notifications
from jobhub.users import services as users
from jobhub.users.models import Role

# Documented in the README: demo accounts for the embedded default, never for production.
DEMO_PASSWORD = "Orbit-Lantern-42-Demo"
DEMO_ADMIN = ("admin@jobhub.local", "Ada Admin")
DEMO_CANDIDATE_NAMES = ["Alice Moreau", "Bilal Haddad", "Chen Wei", "Dana Kowalski", "Emeka Obi"]
DEMO_EMPLOYER_NAMES = ["Erin Walsh", "Farid Nasser", "Grace Lindqvist"]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int) -> None:
        self.created[kind] = self.created.get(kind, 0) + count


def _email_for(name: str, role: Role) -> str:
    return f"{name.split()[0].lower()}.{role.value}@jobhub.local"


def _ensure_user(email: str, full_name: str, role: Role) -> bool:
    if users.get_user_by_email(email=email) is not None:
        return False
    user = users.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name, role=role)
    user.email_verified = True
    return True


def seed_users(*, candidates: int, employers: int, report: SeedReport) -> None:
    """The demo admin plus the first N demo candidates and employers."""
    report.add("admins", int(_ensure_user(DEMO_ADMIN[0], DEMO_ADMIN[1], Role.ADMIN)))
    for role, names, count in (
        (Role.CANDIDATE, DEMO_CANDIDATE_NAMES, candidates),
        (Role.EMPLOYER, DEMO_EMPLOYER_NAMES, employers),
    ):
        for index in range(count):
            name = _demo_name(names, index)
            created = _ensure_user(_email_for(name, role), name, role)
            report.add(f"{role.value}s", int(created))


def demo_candidates(count: int) -> list:
    """The first ``count`` demo candidates that exist."""
    found = (
        users.get_user_by_email(
            email=_email_for(_demo_name(DEMO_CANDIDATE_NAMES, i), Role.CANDIDATE)
        )
        for i in range(count)
    )
    return [user for user in found if user is not None]


def _demo_name(names: list[str], index: int) -> str:
    base = names[index % len(names)]
    return base if index < len(names) else f"{base.split()[0]}{index} {base.split()[1]}"


def seed(
    *, candidates: int = 5, employers: int = 3, jobs: int = 0, applications: int | None = 0
) -> SeedReport:
    """Create whatever demo data is missing; running it again creates nothing new.

    ``applications``: None gives the demo candidates a few applications; N tops the
    applications up to N (with generated candidates); 0 adds none.
    """
    report = SeedReport()
    seed_users(candidates=candidates, employers=employers, report=report)
    seed_notifications(candidates=candidates, employers=employers, report=report)
    from jobhub.seed.resumes import seed_demo_resumes

    seed_demo_resumes(candidates=demo_candidates(candidates), report=report)
    if jobs:
        from jobhub.seed.jobs import seed_jobs

        seed_jobs(jobs=jobs, report=report)
    if applications != 0:
        from jobhub.seed.applications import seed_applications

        seed_applications(
            applications=applications,
            demo_candidates=candidates,
            password=DEMO_PASSWORD,
            report=report,
        )
    return report


def seed_notifications(*, candidates: int, employers: int, report: SeedReport) -> None:
    """A welcome notification for each demo account that has no notification yet."""
    emails = [DEMO_ADMIN[0]]
    for role, names, count in (
        (Role.CANDIDATE, DEMO_CANDIDATE_NAMES, candidates),
        (Role.EMPLOYER, DEMO_EMPLOYER_NAMES, employers),
    ):
        emails += [_email_for(_demo_name(names, index), role) for index in range(count)]
    for email in emails:
        user = users.get_user_by_email(email=email)
        if user is not None and not notification_queries.has_notifications(user=user):
            report.add("notifications", int(notifications.welcome(user=user) is not None))
