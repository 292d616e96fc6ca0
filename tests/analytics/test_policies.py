"""Analytics policy as a table: the caller's role by their membership of the company."""

from __future__ import annotations

import pytest

from jobhub.analytics import policies
from jobhub.companies.models import MemberRole
from jobhub.users.models import Role, User

OWNER, RECRUITER, NONE = MemberRole.OWNER, MemberRole.RECRUITER, None
# (role, membership): may read the company's and its jobs' dashboards
TABLE = {
    (Role.ADMIN, NONE): True,
    (Role.EMPLOYER, OWNER): True,
    (Role.EMPLOYER, RECRUITER): True,
    (Role.EMPLOYER, NONE): False,
    (Role.CANDIDATE, NONE): False,
}


@pytest.mark.parametrize(("role", "membership"), list(TABLE))
def test_company_dashboards(role, membership):
    user = User(id=1, role=role)
    assert policies.can_view_company_analytics(user, membership) is TABLE[(role, membership)]
