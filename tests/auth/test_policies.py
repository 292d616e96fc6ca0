"""Auth policies as a table: whose session by its state; whose linked identity."""

from __future__ import annotations

import pytest

from jobhub.auth import policies
from jobhub.auth.identity import policies as identity_policies
from jobhub.auth.identity.models import ExternalIdentity
from jobhub.auth.models import AuthSession, SessionEndReason
from jobhub.db import utcnow
from jobhub.users.models import Role, User


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("ended", [False, True])
@pytest.mark.parametrize(("own", "expected"), [(True, True), (False, False)])
def test_only_its_own_user_manages_a_session(role, ended, own, expected):
    """Admins included: a session is private. Whether it is still live is the query's
    business (an ended one is not found); the answer does not change with it."""
    actor = User(id=1, role=role)
    session = AuthSession(
        user_id=1 if own else 2,
        ended_at=utcnow() if ended else None,
        end_reason=SessionEndReason.LOGOUT if ended else None,
    )
    assert policies.can_manage_session(actor, session) is expected


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("own", "expected"), [(True, True), (False, False)])
def test_only_its_own_user_manages_a_linked_identity(role, own, expected):
    """Admins included: which providers an account signs in with is private."""
    actor = User(id=1, role=role)
    identity = ExternalIdentity(user_id=1 if own else 2, provider="google", subject="s")
    assert identity_policies.can_manage_identity(actor, identity) is expected
