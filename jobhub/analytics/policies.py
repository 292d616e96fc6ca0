"""Who may see a company's dashboards (the routes name the roles of /me and /platform)."""

from __future__ import annotations

from jobhub.companies.models import MemberRole
from jobhub.users.models import Role, User


def can_view_company_analytics(user: User, membership: MemberRole | None) -> bool:
    """A company's and its jobs' dashboards: its members (owners and recruiters) and
    admins. Anyone else is answered 404, as for something that does not exist."""
    return user.role == Role.ADMIN or membership is not None
