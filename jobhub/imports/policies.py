"""Who may import into a company, and who may follow an import: pure functions."""

from __future__ import annotations

from typing import Any

from jobhub.companies.models import MemberRole
from jobhub.users.models import Role


def can_import(user: Any, membership: MemberRole | None) -> bool:
    """The company's members (and its API key, which acts as a member) import into it, and
    confirm or undo its imports; admins see every import but run none."""
    return user.role == Role.EMPLOYER and membership is not None


# What an API key needs besides the route's ``jobs:write`` to import a resource.
RESOURCE_SCOPES = {"applications": "applications:write"}


def key_may_import(user: Any, resource: str) -> bool:
    """An API key imports applications only with ``applications:write`` as well (users:
    the membership decides)."""
    scopes = getattr(user, "scopes", None)
    needed = RESOURCE_SCOPES.get(resource)
    return scopes is None or needed is None or needed in scopes
