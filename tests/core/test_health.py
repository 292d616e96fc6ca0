"""Liveness and readiness probes."""

from __future__ import annotations

from jobhub import create_app
from jobhub.config import TestingConfig


def test_health_answers_without_io(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_checks_database_and_redis(client, backend):
    response = client.get("/ready")
    assert response.status_code == 200
    checks = response.get_json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"] == ("ok" if backend.redis_url else "not configured")


def test_ready_is_503_naming_the_database_when_it_is_unreachable(app_environ):
    env = {**app_environ, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    response = create_app(TestingConfig(env)).test_client().get("/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"] == "service_unavailable"
    assert "database" in body["message"]
    assert body["errors"]["database"] == "unavailable"


def test_ready_is_503_naming_redis_when_it_is_unreachable(app_environ):
    env = {**app_environ, "REDIS_URL": "redis://127.0.0.1:1/0"}
    response = create_app(TestingConfig(env)).test_client().get("/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert "redis" in body["message"] and body["errors"]["redis"] == "unavailable"
    assert body["errors"]["database"] == "ok"
