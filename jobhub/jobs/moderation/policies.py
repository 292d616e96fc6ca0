"""Who may report a job (deciding on one is for admins: the routes' ``auth_required("admin")``)."""

from __future__ import annotations

from jobhub.companies.models import MemberRole
from jobhub.users.models import User


def can_report_job(user: User, membership: MemberRole | None) -> bool:
    """Anyone signed in may report a job, except its own company's members."""
    return membership is None
