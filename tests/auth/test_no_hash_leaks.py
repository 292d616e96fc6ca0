"""No response of the account API ever contains a password hash."""

from __future__ import annotations

from jobhub.db import db
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import REGISTER_PASSWORD, bearer, register_body


def test_no_account_endpoint_returns_a_password_hash(client, make_user, auth_headers, mailbox):
    admin = make_user(role="admin")
    responses = []

    def call(method: str, url: str, **kwargs):
        response = client.open(url, method=method, **kwargs)
        responses.append((method, url, response))
        return response

    registered = call(
        "POST",
        "/api/v1/auth/register",
        json=register_body(),
    ).get_json()
    pair = call(
        "POST",
        "/api/v1/auth/login",
        json={"email": "alice@example.com", "password": REGISTER_PASSWORD},
    ).get_json()
    pair = call("POST", "/api/v1/auth/refresh", headers=bearer(pair["refresh_token"])).get_json()
    alice = bearer(pair["access_token"])
    call("GET", "/api/v1/auth/me", headers=alice)
    call("GET", "/api/v1/auth/sessions", headers=alice)
    call("GET", "/api/v1/users/me", headers=alice)
    call("PATCH", "/api/v1/users/me", json={"headline": "Engineer"}, headers=alice)
    call("GET", f"/api/v1/users/{registered['id']}", headers=auth_headers(admin))
    call("GET", "/api/v1/users?include_deleted=true", headers=auth_headers(admin))
    call(
        "POST",
        "/api/v1/auth/login",
        json={"email": "alice@example.com", "password": DEFAULT_PASSWORD},
    )
    call("PATCH", "/api/v1/users/me", json={"password_hash": "x"}, headers=alice)

    assert len(responses) == 11
    with client.application.app_context():
        stored_hash = db.session.get(User, registered["id"]).password_hash
    for method, url, response in responses:
        text = response.get_data(as_text=True)
        assert "$argon2" not in text and stored_hash not in text, (method, url, text)
    assert all(m.text.count("$argon2") == 0 for m in mailbox.messages)
