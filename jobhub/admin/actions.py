"""What the panel's row actions do to users and companies, one function each.

Each is the API's own service call (``users.services.change_account``, the same as
``PATCH /admin/users/{id}``; ``companies.services.update_company``), so the panel's
actions are audited and end sessions exactly as the API's do. They flush and never
commit.
"""

from __future__ import annotations

from typing import Any

from jobhub.companies import services as companies
from jobhub.companies.models import Company
from jobhub.users import policies as user_policies
from jobhub.users import services as users
from jobhub.users.models import User


def set_user_active(*, user: User, active: bool, actor: Any) -> bool:
    """Activate or deactivate; deactivating ends every session (API, panel, live) at once.

    True when the account changed. Admins cannot deactivate themselves here.
    """
    changes = {"is_active": active}
    if user.is_active == active or not user_policies.can_change_account(actor, user, changes):
        return False
    users.change_account(user=user, actor=actor, **changes)
    return True


def set_user_verified(*, user: User, verified: bool, actor: Any) -> bool:
    """Mark the account's email verified (or not); True when it changed."""
    changes = {"email_verified": verified}
    if user.email_verified == verified or not user_policies.can_change_account(
        actor, user, changes
    ):
        return False
    users.change_account(user=user, actor=actor, **changes)
    return True


def set_company_verified(*, company: Company, verified: bool, actor: Any) -> bool:
    """Verify or unverify a company (the API's ``update_company``); True when it changed."""
    if company.verified == verified:
        return False
    companies.update_company(company=company, changes={"verified": verified}, actor=actor)
    return True
