"""Who may manage a company's API keys: its owners (admins do not mint keys for others)."""

from __future__ import annotations

from jobhub.companies.models import MemberRole
from jobhub.users.models import User


def can_manage_api_keys(user: User, membership: MemberRole | None) -> bool:
    """Create, list and revoke keys: the company's owners only."""
    return membership == MemberRole.OWNER
