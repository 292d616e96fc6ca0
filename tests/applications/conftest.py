"""The cast of the applications tests and helpers to drive them over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from jobhub.db import utcnow

API = "/api/v1"


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


class Api:
    """JSON over the test client as a given user: ``api.post(user, path, json=...)``."""

    def __init__(self, client, auth_headers) -> None:
        self.client = client
        self.auth_headers = auth_headers

    def _call(self, method: str, user: Any, path: str, **kwargs: Any):
        headers = self.auth_headers(user) if user is not None else {}
        return self.client.open(f"{API}{path}", method=method, headers=headers, **kwargs)

    def get(self, user: Any, path: str, **kwargs: Any):
        return self._call("GET", user, path, **kwargs)

    def post(self, user: Any, path: str, **kwargs: Any):
        return self._call("POST", user, path, **kwargs)

    def patch(self, user: Any, path: str, **kwargs: Any):
        return self._call("PATCH", user, path, **kwargs)

    def delete(self, user: Any, path: str, **kwargs: Any):
        return self._call("DELETE", user, path, **kwargs)

    def apply(self, user: Any, job: Any, **payload: Any) -> dict:
        response = self.post(user, f"/jobs/{job.id}/applications", json=payload)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def move(self, user: Any, application_id: int, status: str, **payload: Any) -> dict:
        response = self.patch(
            user, f"/applications/{application_id}/status", json={"status": status, **payload}
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def schedule(self, user: Any, application_id: int, **payload: Any) -> dict:
        body = {
            "starts_at": iso(utcnow() + timedelta(days=3)),
            "duration_minutes": 45,
            "kind": "video",
            "location": "https://meet.example/acme",
            **payload,
        }
        response = self.post(user, f"/applications/{application_id}/interviews", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def api(client, auth_headers) -> Api:
    return Api(client, auth_headers)
