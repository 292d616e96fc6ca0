"""The cast of the applications tests (the API helper is tests/support/api.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class World:
    """Candidate A applies to the company's job; B is another candidate; the member owns
    the company, the recruiter is its second member; the other employer has a company
    (and job) of their own."""

    candidate: Any
    other_candidate: Any
    member: Any
    recruiter: Any
    other_employer: Any
    admin: Any
    company: Any
    job: Any
    other_company: Any
    other_job: Any

    def role(self, name: str) -> Any:
        return getattr(self, name)


@pytest.fixture
def world(make, make_user) -> World:
    member = make_user(role="employer", full_name="Maya Member", email_verified=True)
    recruiter = make_user(role="employer", full_name="Rui Recruiter", email_verified=True)
    other_employer = make_user(role="employer", full_name="Otto Other", email_verified=True)
    company = make("company", owner=member, name="Acme Robotics")
    make("member", company=company, user=recruiter)
    other_company = make("company", owner=other_employer, name="Globex")
    return World(
        candidate=make_user(
            role="candidate",
            full_name="Carla Candidate",
            email="carla@example.com",
            email_verified=True,
            headline="Backend engineer",
        ),
        other_candidate=make_user(role="candidate", full_name="Bruno Other", email_verified=True),
        member=member,
        recruiter=recruiter,
        other_employer=other_employer,
        admin=make_user(role="admin", full_name="Ada Admin", email_verified=True),
        company=company,
        job=make("job", company=company, title="Backend Engineer"),
        other_company=other_company,
        other_job=make("job", company=other_company, title="Data Engineer"),
    )
