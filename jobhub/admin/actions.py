"""What the panel's row actions do to users and companies, one function each.

Until the users and companies domains have admin services of their own (issue 13's
audit branch brings them, with the audit rows), these are the panel's single call per
action, so switching is one line each. They flush and never commit.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from jobhub import signals
from jobhub.auth.models import SessionEndReason
from jobhub.auth.sessions import services as sessions
from jobhub.companies import services as companies
from jobhub.companies.models import Company
from jobhub.db import db
from jobhub.users.models import User


def set_user_active(*, user: User, active: bool, actor: Any) -> bool:
    """Activate or deactivate; deactivating ends every session (API, panel, live) at once.

    True when the account changed. Admins cannot deactivate themselves here.
    """
    if user.is_active == active or (not active and user.id == actor.id):
        return False
    user.is_active = active
    if not active:
        sessions.end_all(user_id=user.id, reason=SessionEndReason.ENDED)
        signals.user_logged_out.send(
            current_app._get_current_object(), user_id=user.id, all_sessions=True
        )
    db.session.flush()
    return True


def set_user_verified(*, user: User, verified: bool, actor: Any) -> bool:
    """Mark the account's email verified (or not); True when it changed."""
    if user.email_verified == verified:
        return False
    user.email_verified = verified
    db.session.flush()
    return True


def set_company_verified(*, company: Company, verified: bool, actor: Any) -> bool:
    """Verify or unverify a company (the API's ``update_company``); True when it changed."""
    if company.verified == verified:
        return False
    companies.update_company(company=company, changes={"verified": verified})
    return True
