"""Webhook policies as tables: the caller's membership, and whether it is the company's key."""

from __future__ import annotations

import pytest

from jobhub.companies.models import MemberRole
from jobhub.webhooks import policies

# (membership, the company's own key?) -> (manage, see)
TABLE = {
    (MemberRole.OWNER, False): (True, True),
    (MemberRole.RECRUITER, False): (False, True),
    (None, False): (False, False),
    (None, True): (True, True),
}


@pytest.mark.parametrize(("membership", "own_key"), list(TABLE))
def test_manage_and_see(membership, own_key):
    manage, see = TABLE[(membership, own_key)]
    assert policies.can_manage_webhooks(membership, own_key=own_key) is manage
    assert policies.can_see_webhook(membership, own_key=own_key) is see
