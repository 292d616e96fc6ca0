"""Signing keys rotate without logging anyone out: key ids, previous keys, unknown ids."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import jwt
import pytest
from flask import Flask

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.db import db
from jobhub.extensions import socketio
from jobhub.jwt_keys import key_id
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import bearer, fresh_ip

ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/refresh"
OLD_KEY = "old-jwt-signing-key-0123456789abcdef0123456789"
NEW_KEY = "new-jwt-signing-key-0123456789abcdef0123456789"


@pytest.fixture
def app_environ(backend) -> dict[str, str]:
    return backend.environ(JWT_SECRET_KEY=OLD_KEY)


@pytest.fixture
def app_with_keys(backend, app) -> Iterator[Callable[..., Flask]]:
    """Another app on the same database, configured with other keys (a rolled-out config)."""
    built: list[Flask] = []

    def build(current: str, previous: str = "", *, redis: bool = True) -> Flask:
        env = backend.environ(JWT_SECRET_KEY=current, JWT_PREVIOUS_SECRET_KEYS=previous)
        if not redis:  # socket.io's test client refuses a message queue
            env.pop("REDIS_URL", None)
            env.pop("SOCKETIO_CHANNEL", None)
        other = create_app(TestingConfig(env))
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _login(app: Flask, email: str) -> dict:
    response = app.test_client().post(
        "/api/v1/auth/login",
        json={"email": email, "password": DEFAULT_PASSWORD},
        environ_base=fresh_ip(),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_tokens_name_the_key_that_signed_them(app, make_user):
    make_user(email="ada@example.com")
    pair = _login(app, "ada@example.com")
    assert _kid(pair["access_token"]) == _kid(pair["refresh_token"]) == key_id(OLD_KEY)
    jwt.decode(pair["access_token"], OLD_KEY, ["HS256"], audience="jobhub-api")


def test_tokens_signed_with_the_previous_key_still_work_after_rotation(
    app, make_user, app_with_keys
):
    make_user(email="ada@example.com")
    before = _login(app, "ada@example.com")
    rotated = app_with_keys(NEW_KEY, previous=OLD_KEY).test_client()

    me = rotated.get(ME, headers=bearer(before["access_token"]))
    assert me.status_code == 200 and me.get_json()["email"] == "ada@example.com"
    refreshed = rotated.post(REFRESH, headers=bearer(before["refresh_token"]))
    assert refreshed.status_code == 200, refreshed.get_json()
    after = refreshed.get_json()
    # The refresh moved the session onto the new key: it survives the old key's removal.
    assert _kid(after["access_token"]) == _kid(after["refresh_token"]) == key_id(NEW_KEY)
    new_only = app_with_keys(NEW_KEY).test_client()
    assert new_only.get(ME, headers=bearer(after["access_token"])).status_code == 200
    assert new_only.post(REFRESH, headers=bearer(after["refresh_token"])).status_code == 200


def test_a_retired_key_is_refused(app, make_user, app_with_keys):
    make_user(email="ada@example.com")
    before = _login(app, "ada@example.com")
    retired = app_with_keys(NEW_KEY).test_client()
    response = retired.get(ME, headers=bearer(before["access_token"]))
    assert response.status_code == 401
    body = response.get_json()
    # Our own wording (issue 11): the reason, an unknown signing key, goes to the debug log.
    assert body["error"] == "unauthorized" and body["message"] == "The token is invalid."
    assert body["request_id"]


def test_the_new_key_can_be_rolled_out_before_it_signs(app, make_user, app_with_keys):
    # Step one of a rolling rotation: every process accepts the new key before any signs.
    make_user(email="ada@example.com")
    accepting = app_with_keys(OLD_KEY, previous=NEW_KEY)
    signing = app_with_keys(NEW_KEY, previous=OLD_KEY)
    token = _login(signing, "ada@example.com")["access_token"]
    assert accepting.test_client().get(ME, headers=bearer(token)).status_code == 200
    assert app.test_client().get(ME, headers=bearer(token)).status_code == 401


def _claims(app: Flask, user_id: int) -> dict:
    now = int(time.time())
    return {
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "crafted",
        "type": "access",
        "fresh": False,
        "iss": app.config["JWT_ENCODE_ISSUER"],
        "aud": app.config["JWT_ENCODE_AUDIENCE"],
    }


@pytest.mark.parametrize(
    ("kid", "signed_with"),
    [
        ("0123456789abcdef", OLD_KEY),  # an id we never issued, with the right key
        (key_id(OLD_KEY), "someone-elses-key-0123456789abcdef0123456789"),  # our id, wrong key
        (key_id(NEW_KEY), NEW_KEY),  # a key this app does not hold (yet)
    ],
)
def test_unknown_or_mismatched_kid_is_refused_in_the_envelope(
    app, client, make_user, kid, signed_with
):
    user = make_user()
    token = jwt.encode(_claims(app, user.id), signed_with, "HS256", headers={"kid": kid})
    response = client.get(ME, headers=bearer(token))
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "unauthorized" and body["code"] == 401


def test_a_token_without_kid_is_checked_against_the_current_key(app, client, make_user):
    # Tokens issued before key ids existed keep working until they expire.
    user = make_user()
    token = jwt.encode(_claims(app, user.id), OLD_KEY, "HS256")
    assert "kid" not in jwt.get_unverified_header(token)
    assert client.get(ME, headers=bearer(token)).status_code == 200


def test_socket_connect_honours_the_keyring(app, make_user, app_with_keys):
    make_user(email="ada@example.com")
    old_token = _login(app, "ada@example.com")["access_token"]
    rotated = app_with_keys(NEW_KEY, previous=OLD_KEY, redis=False)
    accepted = socketio.test_client(rotated, auth={"token": old_token})
    assert accepted.is_connected()
    accepted.disconnect()
    retired = app_with_keys(NEW_KEY, redis=False)
    refused = socketio.test_client(retired, auth={"token": old_token})
    assert not refused.is_connected()
