"""Who may report a job and who decides on it."""

from __future__ import annotations

from jobhub.companies.models import MemberRole
from jobhub.users.models import Role, User


def can_report_job(user: User, membership: MemberRole | None) -> bool:
    """Anyone signed in may report a job, except its own company's members."""
    return membership is None


def can_moderate(user: User) -> bool:
    """Moderation decisions are for admins."""
    return user.role == Role.ADMIN
