"""Job policies as tables: the caller's role by their membership of the job's company."""

from __future__ import annotations

import pytest

from jobhub.companies.models import MemberRole
from jobhub.jobs import policies
from jobhub.jobs.moderation import policies as moderation
from jobhub.users.models import Role, User

OWNER, RECRUITER, NONE = MemberRole.OWNER, MemberRole.RECRUITER, None
# (role, membership): post a job for the company, edit one of its jobs, report one
TABLE = {
    (Role.ADMIN, NONE): (False, True, True),
    (Role.EMPLOYER, OWNER): (True, True, False),
    (Role.EMPLOYER, RECRUITER): (True, True, False),
    (Role.EMPLOYER, NONE): (False, False, True),
    (Role.CANDIDATE, NONE): (False, False, True),
}


@pytest.mark.parametrize(("role", "membership"), list(TABLE))
def test_post_edit_report(role, membership):
    user = User(id=1, role=role)
    post, edit, report = TABLE[(role, membership)]
    assert policies.can_post_job(user, membership) is post
    assert policies.can_edit_job(user, membership) is edit
    assert moderation.can_report_job(user, membership) is report


# (role, membership) -> may read the job's moderation history
HISTORY_TABLE = {
    (Role.ADMIN, NONE): True,
    (Role.EMPLOYER, OWNER): True,
    (Role.EMPLOYER, RECRUITER): True,
    (Role.EMPLOYER, NONE): False,
    (Role.CANDIDATE, NONE): False,
}


@pytest.mark.parametrize(("role", "membership"), list(HISTORY_TABLE))
def test_view_decisions(role, membership):
    user = User(id=1, role=role)
    allowed = moderation.can_view_decisions(user, membership)
    assert allowed is HISTORY_TABLE[(role, membership)]
