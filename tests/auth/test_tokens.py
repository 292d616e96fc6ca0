"""JWT handling: attacks refused, refresh rotation with theft detection, logout."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import jwt
import pytest
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import select

from jobhub.auth.models import AuthSession, SessionEndReason
from jobhub.db import db
from tests.support.api import bearer

ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(app, user_id: int, **overrides) -> dict:
    now = int(time.time())
    return {
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "forged",
        "type": "access",
        "fresh": False,
        "iss": app.config["JWT_ENCODE_ISSUER"],
        "aud": app.config["JWT_ENCODE_AUDIENCE"],
        **overrides,
    }


def assert_refused(response, error: str = "unauthorized") -> None:
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"] == error


class TestAttacks:
    def test_no_token(self, client):
        assert_refused(client.get(ME))

    def test_not_a_bearer_header(self, client):
        assert_refused(client.get(ME, headers={"Authorization": "Basic dXNlcjpwYXNz"}))

    def test_alg_none(self, app, client, make_user):
        user = make_user()
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(app, user.id))}."
        assert_refused(client.get(ME, headers=bearer(token)))

    def test_wrong_key(self, app, client, make_user):
        user = make_user()
        token = jwt.encode(_claims(app, user.id), "another-secret-" * 4, algorithm="HS256")
        assert_refused(client.get(ME, headers=bearer(token)))

    @pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
    def test_algorithm_outside_the_allow_list(self, app, client, make_user):
        user = make_user()
        token = jwt.encode(_claims(app, user.id), app.config["JWT_SECRET_KEY"], algorithm="HS512")
        assert_refused(client.get(ME, headers=bearer(token)))

    def test_wrong_audience(self, app, client, make_user):
        user = make_user()
        claims = _claims(app, user.id, aud="someone-else")
        token = jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")
        assert_refused(client.get(ME, headers=bearer(token)))

    def test_wrong_issuer(self, app, client, make_user):
        user = make_user()
        claims = _claims(app, user.id, iss="evil")
        token = jwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")
        assert_refused(client.get(ME, headers=bearer(token)))

    def test_right_key_and_claims_pass(self, app, client, make_user):
        # The control for the cases above: the forgery differs from a valid token by one thing.
        user = make_user()
        token = jwt.encode(_claims(app, user.id), app.config["JWT_SECRET_KEY"], algorithm="HS256")
        assert client.get(ME, headers=bearer(token)).status_code == 200

    def test_expired(self, app, client, make_user):
        user = make_user()
        with app.app_context():
            token = create_access_token(str(user.id), expires_delta=timedelta(seconds=-1))
        assert_refused(client.get(ME, headers=bearer(token)), "token_expired")

    def test_refresh_token_used_as_access_token(self, client, make_user, login):
        make_user(email="alice@example.com")
        pair = login("alice@example.com")
        assert_refused(client.get(ME, headers=bearer(pair["refresh_token"])))

    def test_access_token_used_as_refresh_token(self, client, make_user, login):
        make_user(email="alice@example.com")
        pair = login("alice@example.com")
        assert_refused(client.post(REFRESH, headers=bearer(pair["access_token"])))

    def test_token_of_a_deleted_user(self, app, client, make_user):
        from jobhub.db import utcnow

        user = make_user(deleted_at=utcnow())
        with app.app_context():
            token = create_access_token(str(user.id))
        assert_refused(client.get(ME, headers=bearer(token)))


class TestRefresh:
    def test_rotates_the_pair(self, app, client, make_user, login):
        make_user(email="alice@example.com")
        pair = login("alice@example.com")
        response = client.post(REFRESH, headers=bearer(pair["refresh_token"]))
        assert response.status_code == 200, response.get_json()
        new = response.get_json()
        assert new["token_type"] == "Bearer" and new["user"]["email"] == "alice@example.com"
        assert new["refresh_token"] != pair["refresh_token"]
        assert new["access_token"] != pair["access_token"]
        assert client.get(ME, headers=bearer(new["access_token"])).status_code == 200
        again = client.post(REFRESH, headers=bearer(new["refresh_token"]))
        assert again.status_code == 200

    def test_reused_refresh_token_revokes_the_whole_family(self, app, client, make_user, login):
        make_user(email="alice@example.com")
        other_session = login("alice@example.com")
        stolen = login("alice@example.com")
        rotated = client.post(REFRESH, headers=bearer(stolen["refresh_token"])).get_json()

        replay = client.post(REFRESH, headers=bearer(stolen["refresh_token"]))
        assert_refused(replay, "token_revoked")
        # Every token of that session is dead, the newest pair included...
        assert_refused(
            client.post(REFRESH, headers=bearer(rotated["refresh_token"])), "token_revoked"
        )
        assert_refused(client.get(ME, headers=bearer(rotated["access_token"])), "token_revoked")
        assert_refused(client.get(ME, headers=bearer(stolen["access_token"])), "token_revoked")
        # ...and the revocation was committed although the replay answered 401.
        with app.app_context():
            reasons = {s.end_reason for s in db.session.scalars(select(AuthSession))}
        assert reasons == {SessionEndReason.TOKEN_REUSE, None}
        # Another session of the same user is untouched.
        assert client.get(ME, headers=bearer(other_session["access_token"])).status_code == 200

    def test_refresh_token_minted_outside_a_login_is_refused(self, app, client, make_user):
        user = make_user()
        with app.app_context():
            token = create_refresh_token(str(user.id))
        response = client.post(REFRESH, headers=bearer(token))
        assert_refused(response)
        assert "session" in response.get_json()["message"]

    def test_refresh_of_a_disabled_account_is_403(self, app, client, make_user, login):
        user = make_user(email="alice@example.com")
        pair = login("alice@example.com")
        with app.app_context():
            from jobhub.users.models import User

            db.session.get(User, user.id).is_active = False
            db.session.commit()
        response = client.post(REFRESH, headers=bearer(pair["refresh_token"]))
        assert response.status_code == 403
        assert response.get_json()["error"] == "account_disabled"

    def test_refresh_updates_last_used(self, app, client, make_user, login):
        make_user(email="alice@example.com")
        pair = login("alice@example.com")
        with app.app_context():
            before = db.session.scalar(select(AuthSession.last_used_at))
        time.sleep(0.01)
        assert client.post(REFRESH, headers=bearer(pair["refresh_token"])).status_code == 200
        with app.app_context():
            assert db.session.scalar(select(AuthSession.last_used_at)) > before


class TestLogout:
    def test_logout_revokes_the_access_token_and_its_session(self, app, client, make_user, login):
        make_user(email="alice@example.com")
        pair = login("alice@example.com")
        response = client.post(LOGOUT, headers=bearer(pair["access_token"]))
        assert response.status_code == 204
        assert_refused(client.get(ME, headers=bearer(pair["access_token"])), "token_revoked")
        # The session is over, so its refresh token is dead too.
        assert_refused(client.post(REFRESH, headers=bearer(pair["refresh_token"])), "token_revoked")
        with app.app_context():
            session = db.session.scalar(select(AuthSession))
        assert session.end_reason == SessionEndReason.LOGOUT

    def test_logout_with_the_refresh_token_of_another_session_ends_it(
        self, client, make_user, login
    ):
        make_user(email="alice@example.com")
        first = login("alice@example.com")
        second = login("alice@example.com")
        response = client.post(
            LOGOUT,
            json={"refresh_token": second["refresh_token"]},
            headers=bearer(first["access_token"]),
        )
        assert response.status_code == 204
        assert_refused(
            client.post(REFRESH, headers=bearer(second["refresh_token"])), "token_revoked"
        )
        assert_refused(client.get(ME, headers=bearer(second["access_token"])), "token_revoked")

    @pytest.mark.parametrize("kind", ["garbage", "access", "someone_elses"])
    def test_logout_refuses_a_refresh_token_that_is_not_the_callers(
        self, client, make_user, login, kind
    ):
        make_user(email="alice@example.com")
        make_user(email="bob@example.com")
        alice = login("alice@example.com")
        token = {
            "garbage": "not.a.token",
            "access": alice["access_token"],
            "someone_elses": login("bob@example.com")["refresh_token"],
        }[kind]
        response = client.post(
            LOGOUT, json={"refresh_token": token}, headers=bearer(alice["access_token"])
        )
        assert response.status_code == 422
        assert "refresh_token" in response.get_json()["errors"]["json"]
        # Nothing was revoked: the request failed as a whole.
        assert client.get(ME, headers=bearer(alice["access_token"])).status_code == 200

    def test_logout_sends_user_logged_out(self, app, client, make_user, login):
        from jobhub import signals

        user = make_user(email="alice@example.com")
        pair = login("alice@example.com")
        received = []

        def receiver(sender, **kwargs):
            received.append((sender, kwargs))

        with signals.user_logged_out.connected_to(receiver):
            client.post(LOGOUT, headers=bearer(pair["access_token"]))
        assert received == [(app, {"user_id": user.id, "all_sessions": False})]

    def test_a_token_minted_without_a_session_can_log_out(self, client, make_user, auth_headers):
        user = make_user()
        headers = auth_headers(user)
        assert client.post(LOGOUT, headers=headers).status_code == 204
        assert_refused(client.get(ME, headers=headers), "token_revoked")
