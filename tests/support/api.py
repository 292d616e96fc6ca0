"""The one API helper: JSON over the test client as a given user, and the bodies tests send.

``api.get(user, path)`` (and post, patch, put, delete) returns the response, for tests
that look at status codes; ``api("GET", user, path)`` asserts success and returns the
JSON. ``user`` None is anonymous; a user gets a bearer token minted for it directly
(the login flow has its own tests; ``login`` goes through it).
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from jobhub.db import utcnow
from tests.factories import DEFAULT_PASSWORD

API = "/api/v1"
# Strong enough for the password policy, and free of any test account's name.
REGISTER_PASSWORD = "Vivid-Harbor-Sketch-71"
_ips = itertools.count(1)


def register_body(**fields: Any) -> dict[str, Any]:
    """A valid ``POST /auth/register`` body: Alice Moreau, candidate, ``fields`` on top."""
    return {
        "email": "alice@example.com",
        "password": REGISTER_PASSWORD,
        "full_name": "Alice Moreau",
        "role": "candidate",
        **fields,
    }


def fresh_ip() -> dict[str, str]:
    """A client address of its own, so per-IP rate limits do not couple requests."""
    n = next(_ips)
    return {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def iso(moment: datetime) -> str:
    """A datetime as the API writes it: ISO-8601 in UTC with a ``Z``."""
    return moment.isoformat().replace("+00:00", "Z")


class Api:
    """JSON over the test client as a given user: ``api.post(user, path, json=...)``."""

    def __init__(self, client: Any, auth_headers: Any) -> None:
        self.client = client
        self.auth_headers = auth_headers

    def __call__(self, method: str, user: Any, path: str, **kwargs: Any) -> Any:
        """The JSON of a request that must succeed (any 2xx)."""
        response = self.open(method, user, path, **kwargs)
        assert response.status_code < 300, (path, response.status_code, response.get_json())
        return response.get_json()

    def open(self, method: str, user: Any, path: str, **kwargs: Any) -> Any:
        headers = {**(self.auth_headers(user) if user is not None else {})}
        headers.update(kwargs.pop("headers", {}))
        return self.client.open(f"{API}{path}", method=method, headers=headers, **kwargs)

    def get(self, user: Any, path: str, **kwargs: Any) -> Any:
        return self.open("GET", user, path, **kwargs)

    def post(self, user: Any, path: str, **kwargs: Any) -> Any:
        return self.open("POST", user, path, **kwargs)

    def put(self, user: Any, path: str, **kwargs: Any) -> Any:
        return self.open("PUT", user, path, **kwargs)

    def patch(self, user: Any, path: str, **kwargs: Any) -> Any:
        return self.open("PATCH", user, path, **kwargs)

    def delete(self, user: Any, path: str, **kwargs: Any) -> Any:
        return self.open("DELETE", user, path, **kwargs)

    # -- the usual requests, asserting they succeed ---------------------------------------

    def register(self, **fields: Any) -> Any:
        """``POST /auth/register`` from a fresh client address; returns the response."""
        return self.client.post(
            f"{API}/auth/register", json=register_body(**fields), environ_base=fresh_ip()
        )

    def login(self, email: str, password: str = DEFAULT_PASSWORD, **headers: str) -> dict:
        """``POST /auth/login`` → the 200 body (the token pair and the user)."""
        response = self.client.post(
            f"{API}/auth/login",
            json={"email": email, "password": password},
            headers=headers,
            environ_base=fresh_ip(),
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

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
