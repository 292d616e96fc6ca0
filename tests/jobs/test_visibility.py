"""Who sees which job: one matrix over callers by job states, for reads and search."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jobhub.db import utcnow

STATES = {
    "draft": {"status": "draft", "moderation_status": "pending"},
    "pending": {"moderation_status": "pending"},
    "approved": {},
    "rejected": {"moderation_status": "rejected"},
    "flagged": {"moderation_status": "flagged"},
    "closed": {"status": "closed"},
    "expired": {"expires_at_offset": -1},
    "deleted": {"deleted": True},
}
CALLERS = ("anonymous", "candidate", "member", "other_employer", "admin")
# Only an approved, live job is public; members and admins see the rest; nobody reads
# a deleted job (it is in the trash, restorable).
EXPECTED = {
    state: {
        caller: (state == "approved" or (state != "deleted" and caller in ("member", "admin")))
        for caller in CALLERS
    }
    for state in STATES
}


@pytest.fixture
def states_and_callers(make, make_user):
    member = make_user(role="employer")
    company = make("company", owner=member)
    jobs = {}
    for state, spec in STATES.items():
        fields = {k: v for k, v in spec.items() if k not in ("expires_at_offset", "deleted")}
        if "expires_at_offset" in spec:
            fields["expires_at"] = utcnow() + timedelta(days=spec["expires_at_offset"])
        if spec.get("deleted"):
            fields["deleted_at"] = utcnow()
        jobs[state] = make("job", company=company, title=f"{state} job", **fields)
    callers = {
        "anonymous": None,
        "candidate": make_user(role="candidate"),
        "member": member,
        "other_employer": make_user(role="employer"),
        "admin": make_user(role="admin"),
    }
    return jobs, callers


def _headers(auth_headers, user):
    return auth_headers(user) if user is not None else {}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("state", list(STATES))
def test_read_matrix(client, states_and_callers, auth_headers, state, caller):
    jobs, callers = states_and_callers
    response = client.get(
        f"/api/v1/jobs/{jobs[state].id}", headers=_headers(auth_headers, callers[caller])
    )
    assert response.status_code == (200 if EXPECTED[state][caller] else 404)
    if response.status_code == 404:
        assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize("caller", CALLERS)
def test_search_shows_exactly_the_visible_jobs(client, states_and_callers, auth_headers, caller):
    _jobs, callers = states_and_callers
    response = client.get(
        "/api/v1/jobs?page_size=100", headers=_headers(auth_headers, callers[caller])
    )
    found = {job["title"] for job in response.get_json()}
    assert found == {f"{state} job" for state in STATES if EXPECTED[state][caller]}


def test_a_visible_job_you_may_not_change_is_403(client, states_and_callers, auth_headers):
    jobs, callers = states_and_callers
    for caller in ("candidate", "other_employer"):
        response = client.patch(
            f"/api/v1/jobs/{jobs['approved'].id}",
            json={"title": "Changed"},
            headers=auth_headers(callers[caller]),
        )
        assert response.status_code == 403
    hidden = client.patch(
        f"/api/v1/jobs/{jobs['draft'].id}",
        json={"title": "Changed"},
        headers=auth_headers(callers["other_employer"]),
    )
    assert hidden.status_code == 404
