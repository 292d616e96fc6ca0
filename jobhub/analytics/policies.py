"""Who may see which dashboard: pure functions of the caller and their membership."""

from __future__ import annotations

from jobhub.companies.models import MemberRole
from jobhub.users.models import Role, User


def can_view_own_analytics(user: User) -> bool:
    """``/analytics/me`` is a candidate's view of their own search."""
    return user.role == Role.CANDIDATE


def can_view_company_analytics(user: User, membership: MemberRole | None) -> bool:
    """A company's and its jobs' dashboards: its members (owners and recruiters) and
    admins. Anyone else is answered 404, as for something that does not exist."""
    return user.role == Role.ADMIN or membership is not None


def can_view_platform_analytics(user: User) -> bool:
    return user.role == Role.ADMIN
