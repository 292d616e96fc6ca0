"""What the panel's row actions do to users and companies, one service call each.

Users: ``users.services.change_account`` (the service of ``PATCH /admin/users/{id}``:
audited, and deactivating ends every session at once). Companies: the API's
``update_company`` (``PATCH /companies/{id} {verified}``). They flush and never commit.
"""

from __future__ import annotations

from typing import Any

from jobhub.companies import services as companies
from jobhub.companies.models import Company
from jobhub.users import services as users
from jobhub.users.models import User


def set_user_active(*, user: User, active: bool, actor: Any) -> bool:
    """Activate or deactivate; True when the account changed. Admins cannot deactivate
    themselves here (that would end the session they act in)."""
    if user.is_active == active or (not active and user.id == actor.id):
        return False
    users.change_account(user=user, actor=actor, is_active=active)
    return True


def set_user_verified(*, user: User, verified: bool, actor: Any) -> bool:
    """Mark the account's email verified (or not); True when it changed."""
    if user.email_verified == verified:
        return False
    users.change_account(user=user, actor=actor, email_verified=verified)
    return True


def set_company_verified(*, company: Company, verified: bool, actor: Any) -> bool:
    """Verify or unverify a company (the API's ``update_company``); True when it changed."""
    if company.verified == verified:
        return False
    companies.update_company(company=company, changes={"verified": verified}, actor=actor)
    return True
