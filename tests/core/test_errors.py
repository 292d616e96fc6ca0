"""Every error leaves the app in the SPEC §1 envelope, whoever raised it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_jwt_extended import create_access_token, create_refresh_token
from flask_smorest import Blueprint

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.db import db
from jobhub.extensions import api
from jobhub.users.models import User
from tests.support.probe import ERROR_CLASSES, register_probe

ENVELOPE_KEYS = {"code", "status", "error", "message", "request_id"}


@pytest.fixture
def probe(app):
    register_probe(app)
    return app.test_client()


def assert_envelope(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) >= ENVELOPE_KEYS, body
    assert body["code"] == status
    assert body["error"] == error
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


@pytest.mark.parametrize("name", sorted(ERROR_CLASSES))
def test_every_jobhub_error_writes_the_envelope(probe, name):
    cls = ERROR_CLASSES[name]
    body = assert_envelope(probe.get(f"/api/v1/probe/raise/{name}"), cls.status_code, cls.error)
    assert body["message"] == cls.message


def test_unknown_route_is_404_envelope(client):
    assert_envelope(client.get("/api/v1/does-not-exist"), 404, "not_found")


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/health")
    assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_validation_error_names_the_field(probe):
    response = probe.post("/api/v1/probe/echo", json={"email": "not-an-email"})
    body = assert_envelope(response, 422, "validation_error")
    assert "email" in body["errors"]["json"]


def test_malformed_json_is_400(probe):
    response = probe.post("/api/v1/probe/echo", data="{not json", content_type="application/json")
    assert_envelope(response, 400, "bad_request")


def test_body_over_max_content_length_is_413(app, probe):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = probe.post("/api/v1/probe/body", data=b"x" * 4096)
    assert_envelope(response, 413, "payload_too_large")


def test_rate_limit_is_429_with_retry_after(probe):
    assert probe.get("/api/v1/probe/limited").status_code == 200
    first_ok = probe.get("/api/v1/probe/limited")
    assert first_ok.headers["X-RateLimit-Limit"] == "2"
    response = probe.get("/api/v1/probe/limited")
    assert_envelope(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-RateLimit-Remaining"] == "0"


@pytest.mark.parametrize("testing", [True, False], ids=["propagating", "production-like"])
def test_unexpected_exception_is_500_without_internals(app, probe, testing, caplog):
    app.testing = testing
    app.config["DEBUG"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = None if not testing else True
    response = probe.get("/api/v1/probe/crash")
    body = assert_envelope(response, 500, "internal_error")
    text = json.dumps(body)
    assert "SELECT" not in text and "RuntimeError" not in text and "Traceback" not in text
    assert any(record.exc_info for record in caplog.records if record.levelname == "ERROR")


class TestJwtErrors:
    def test_missing_token(self, probe):
        assert_envelope(probe.get("/api/v1/probe/private"), 401, "unauthorized")

    def test_garbage_token(self, probe):
        response = probe.get("/api/v1/probe/private", headers={"Authorization": "Bearer nope"})
        assert_envelope(response, 401, "unauthorized")

    def test_expired_token(self, app, probe, make_user):
        user = make_user()
        with app.app_context():
            token = create_access_token(str(user.id), expires_delta=timedelta(seconds=-60))
        response = probe.get("/api/v1/probe/private", headers={"Authorization": f"Bearer {token}"})
        assert_envelope(response, 401, "token_expired")

    def test_refresh_token_refused_as_access(self, app, probe, make_user):
        user = make_user()
        with app.app_context():
            token = create_refresh_token(str(user.id))
        response = probe.get("/api/v1/probe/private", headers={"Authorization": f"Bearer {token}"})
        assert_envelope(response, 401, "unauthorized")

    def test_valid_token_passes(self, probe, make_user, auth_headers):
        user = make_user()
        response = probe.get("/api/v1/probe/private", headers=auth_headers(user))
        assert response.status_code == 200
        assert response.get_json() == {"id": user.id}

    def test_wrong_role_is_403(self, probe, make_user, auth_headers):
        user = make_user(role="candidate")
        response = probe.get("/api/v1/probe/admins", headers=auth_headers(user))
        assert_envelope(response, 403, "forbidden")

    def test_deactivated_user_is_refused(self, probe, make_user, auth_headers):
        user = make_user(is_active=False)
        response = probe.get("/api/v1/probe/private", headers=auth_headers(user))
        assert_envelope(response, 403, "account_disabled")

    def test_revoked_token(self, app, probe, make_user, auth_headers):
        from flask_jwt_extended import decode_token

        from jobhub.auth.services import revoke_token
        from jobhub.db import transaction

        user = make_user()
        headers = auth_headers(user)
        with app.app_context(), transaction():
            revoke_token(payload=decode_token(headers["Authorization"].split()[1]))
        assert_envelope(probe.get("/api/v1/probe/private", headers=headers), 401, "token_revoked")


def test_default_rate_limit_applies_to_every_api_route(app_environ):
    from jobhub import create_app
    from jobhub.config import TestingConfig

    app = create_app(TestingConfig({**app_environ, "RATELIMIT_DEFAULT": "2 per minute"}))
    register_probe(app)
    client = app.test_client()
    for _ in range(2):
        assert client.post("/api/v1/probe/body", data=b"x").status_code == 200
    assert_envelope(client.post("/api/v1/probe/body", data=b"x"), 429, "rate_limited")
    # Probes and docs stay reachable for load balancers and readers.
    assert client.get("/health").status_code == 200


def test_rate_limits_are_kept_in_redis_when_configured(app, probe, backend):
    if not backend.redis_url:
        assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
        return
    import redis

    probe.get("/api/v1/probe/limited")
    keys = redis.Redis.from_url(backend.redis_url).keys("*jobhub-rl*")
    assert keys, "no rate-limit counter in Redis"


def test_a_database_outage_is_503_in_the_envelope(app_environ, caplog):
    env = {**app_environ, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    client = create_app(TestingConfig(env)).test_client()
    response = client.get("/api/v1/jobs")
    body = assert_envelope(response, 503, "service_unavailable")
    assert body["message"] == "The database is unavailable; try again shortly."
    assert "127.0.0.1" not in json.dumps(body)
    assert any("database unavailable" in record.getMessage() for record in caplog.records)


@pytest.mark.postgres
def test_a_connection_lost_before_the_commit_is_503_and_nothing_is_written(app, backend, make_user):
    blp = Blueprint("commit_probe", __name__)

    @blp.route("/write-then-lose-the-connection", methods=["POST"])
    def write_then_lose_the_connection():
        db.session.execute(sa.text("UPDATE users SET full_name = 'changed'"))
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with sa.create_engine(backend.database_url).connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return {"written": True}  # the request's commit comes after this, on a dead connection

    api.register_blueprint(blp, url_prefix="/api/v1/probe")
    user = make_user(full_name="Unchanged").id
    response = app.test_client().post("/api/v1/probe/write-then-lose-the-connection")
    assert_envelope(response, 503, "service_unavailable")
    with app.app_context():
        assert db.session.get(User, user).full_name != "changed"
