"""Company policies as tables: the caller's role by their membership of the company."""

from __future__ import annotations

import pytest

from jobhub.companies import policies
from jobhub.companies.models import MemberRole
from jobhub.users.models import Role, User

OWNER, RECRUITER, NONE = MemberRole.OWNER, MemberRole.RECRUITER, None
# (role, membership): manage (edit, delete), view members, add member
TABLE = {
    (Role.ADMIN, NONE): (True, True, True),
    (Role.EMPLOYER, OWNER): (True, True, True),
    (Role.EMPLOYER, RECRUITER): (False, True, False),
    (Role.EMPLOYER, NONE): (False, False, False),
    (Role.CANDIDATE, NONE): (False, False, False),
}


@pytest.mark.parametrize(("role", "membership"), list(TABLE))
def test_manage_view_members_and_add(role, membership):
    user = User(id=1, role=role)
    manage, view, add = TABLE[(role, membership)]
    assert policies.can_manage_company(user, membership) is manage
    assert policies.can_view_members(user, membership) is view
    assert policies.can_add_member(user, membership) is add


# (role, membership, removing oneself?) -> may remove the member
REMOVE = {
    (Role.ADMIN, NONE, False): True,
    (Role.EMPLOYER, OWNER, False): True,
    (Role.EMPLOYER, OWNER, True): True,
    (Role.EMPLOYER, RECRUITER, False): False,
    (Role.EMPLOYER, RECRUITER, True): True,  # leaving
    (Role.EMPLOYER, NONE, False): False,
    (Role.EMPLOYER, NONE, True): False,  # not a member: nothing to leave
    (Role.CANDIDATE, NONE, False): False,
}


@pytest.mark.parametrize(("role", "membership", "oneself"), list(REMOVE))
def test_remove_member(role, membership, oneself):
    user = User(id=7, role=role)
    member_user_id = 7 if oneself else 8
    expected = REMOVE[(role, membership, oneself)]
    assert policies.can_remove_member(user, membership, member_user_id) is expected


@pytest.mark.parametrize(
    ("role", "expected"), [(Role.ADMIN, True), (Role.EMPLOYER, False), (Role.CANDIDATE, False)]
)
def test_only_admins_verify(role, expected):
    assert policies.can_verify_company(User(id=1, role=role)) is expected


# (role, membership) -> may create, list and revoke the company's API keys
API_KEYS = {
    (Role.ADMIN, NONE): False,
    (Role.EMPLOYER, OWNER): True,
    (Role.EMPLOYER, RECRUITER): False,
    (Role.EMPLOYER, NONE): False,
    (Role.CANDIDATE, NONE): False,
}


@pytest.mark.parametrize(("role", "membership"), list(API_KEYS))
def test_only_owners_manage_api_keys(role, membership):
    from jobhub.companies.api_keys import policies as api_key_policies

    user = User(id=1, role=role)
    assert api_key_policies.can_manage_api_keys(user, membership) is API_KEYS[(role, membership)]
