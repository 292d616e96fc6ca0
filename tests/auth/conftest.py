"""Helpers for the auth tests: a mailbox, and register / login through the API."""

from __future__ import annotations

import itertools

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.support.mail import Mailbox

_ips = itertools.count(1)


@pytest.fixture
def mailbox(app) -> Mailbox:
    return Mailbox(app)


def fresh_ip() -> dict:
    """A client address of its own, so per-IP rate limits do not couple requests."""
    n = next(_ips)
    return {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


@pytest.fixture
def login(client):
    """``login(email, password)`` → the 200 body; asserts success."""

    def do(email: str, password: str = DEFAULT_PASSWORD, **headers: str) -> dict:
        response = client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": password},
            headers=headers,
            environ_base=fresh_ip(),
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return do


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
