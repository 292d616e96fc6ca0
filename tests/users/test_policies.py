"""User policies as a table: the caller's role by whose profile by its state by grants."""

from __future__ import annotations

import pytest

from jobhub import signals
from jobhub.db import utcnow
from jobhub.users import policies
from jobhub.users.models import Role, User

# (role, whose, deleted, granted by another domain) -> may read the profile
TABLE = {
    (Role.ADMIN, "other", False, False): True,
    (Role.ADMIN, "other", True, False): True,
    (Role.ADMIN, "self", False, False): True,
    (Role.EMPLOYER, "self", False, False): True,
    (Role.EMPLOYER, "self", True, False): False,
    (Role.EMPLOYER, "other", False, False): False,
    (Role.EMPLOYER, "other", False, True): True,
    (Role.EMPLOYER, "other", True, True): False,
    (Role.CANDIDATE, "self", False, False): True,
    (Role.CANDIDATE, "other", False, False): False,
    (Role.CANDIDATE, "other", False, True): True,
}


@pytest.mark.parametrize(("role", "whose", "deleted", "granted"), list(TABLE))
def test_view_user(app_ctx, role, whose, deleted, granted):
    actor = User(id=1, role=role)
    profile = User(
        id=1 if whose == "self" else 2,
        role=Role.CANDIDATE,
        deleted_at=utcnow() if deleted else None,
    )

    def grant(_sender, *, actor, user):
        return granted

    with signals.user_profile_access.connected_to(grant):
        assert policies.can_view_user(actor, profile) is TABLE[(role, whose, deleted, granted)]


@pytest.mark.parametrize("role", list(Role))
def test_is_admin(role):
    assert policies.is_admin(User(id=1, role=role)) is (role == Role.ADMIN)


# (actor's role, whose account, erased, change) -> may change it
ACCOUNT_TABLE = {
    (Role.ADMIN, "other", False, "deactivate"): True,
    (Role.ADMIN, "other", False, "verify"): True,
    (Role.ADMIN, "other", True, "verify"): False,
    (Role.ADMIN, "self", False, "deactivate"): False,
    (Role.ADMIN, "self", False, "verify"): True,
    (Role.EMPLOYER, "other", False, "verify"): False,
    (Role.CANDIDATE, "self", False, "deactivate"): False,
}
CHANGES = {"deactivate": {"is_active": False}, "verify": {"email_verified": True}}


@pytest.mark.parametrize(("role", "whose", "erased", "change"), list(ACCOUNT_TABLE))
def test_change_account(role, whose, erased, change):
    actor = User(id=1, role=role)
    user = User(id=1 if whose == "self" else 2, deleted_at=utcnow() if erased else None)
    allowed = policies.can_change_account(actor, user, CHANGES[change])
    assert allowed is ACCOUNT_TABLE[(role, whose, erased, change)]
