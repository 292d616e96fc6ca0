"""Who may import into a company (and confirm or undo its imports), as a table."""

from __future__ import annotations

import pytest

from jobhub.companies.models import MemberRole
from jobhub.imports import policies
from jobhub.users.models import Role, User

TABLE = {
    (Role.EMPLOYER, MemberRole.OWNER): True,
    (Role.EMPLOYER, MemberRole.RECRUITER): True,
    (Role.EMPLOYER, None): False,
    (Role.ADMIN, None): False,
    (Role.CANDIDATE, None): False,
}


@pytest.mark.parametrize(("role", "membership"), list(TABLE))
def test_can_import(role, membership):
    user = User(id=1, role=role)
    assert policies.can_import(user, membership) is TABLE[(role, membership)]
