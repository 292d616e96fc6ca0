"""Who may import into a company (and confirm or undo its imports), as a table."""

from __future__ import annotations

import pytest

from jobhub.companies.models import MemberRole
from jobhub.imports import policies
from jobhub.security import ApiKeyCaller
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


KEYS = {
    (frozenset({"jobs:write"}), "jobs"): True,
    (frozenset({"jobs:write"}), "applications"): False,
    (frozenset({"jobs:write", "applications:write"}), "applications"): True,
}


@pytest.mark.parametrize(("scopes", "resource"), list(KEYS))
def test_a_key_imports_applications_only_with_applications_write(scopes, resource):
    key = ApiKeyCaller(key_id=1, company_id=1, scopes=scopes)
    assert policies.key_may_import(key, resource) is KEYS[(scopes, resource)]
    assert policies.key_may_import(User(id=1, role=Role.EMPLOYER), resource) is True
