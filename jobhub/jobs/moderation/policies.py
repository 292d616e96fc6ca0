"""Who may report a job and read its decisions (deciding is for admins: the routes'
``auth_required("admin")``)."""

from __future__ import annotations

from jobhub.companies.models import MemberRole
from jobhub.users.models import Role, User


def can_report_job(user: User, membership: MemberRole | None) -> bool:
    """Anyone signed in may report a job, except its own company's members."""
    return membership is None


def can_view_decisions(user: User, membership: MemberRole | None) -> bool:
    """A job's moderation history: its company's members and admins."""
    return user.role == Role.ADMIN or membership is not None
