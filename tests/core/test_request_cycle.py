"""Request ids, security headers, HTTPS, CORS and the one commit per request."""

from __future__ import annotations

import json
import logging

import pytest

from jobhub import create_app
from jobhub.config import TestingConfig


def test_request_id_is_echoed_when_sane(client):
    response = client.get("/health", headers={"X-Request-ID": "abc-123.client"})
    assert response.headers["X-Request-ID"] == "abc-123.client"


def test_insane_request_id_is_replaced(client):
    response = client.get("/health", headers={"X-Request-ID": "bad id <script>"})
    assert response.headers["X-Request-ID"] != "bad id <script>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_each_request_gets_its_own_id(client):
    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]
    assert first and second and first != second


def test_access_log_line_is_json_with_request_fields(app_environ, capsys):
    app = create_app(TestingConfig({**app_environ, "JSON_LOGS": "true"}))
    app.config["JSON_LOGS"] = True
    from jobhub.logs import configure_logging

    configure_logging("INFO", json_lines=True)
    try:
        app.test_client().get("/health", headers={"X-Request-ID": "trace-me-1"})
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    finally:
        configure_logging("INFO", json_lines=False)
    access = [line for line in lines if line.get("logger") == "jobhub.access"]
    assert access, lines
    assert access[-1]["request_id"] == "trace-me-1"
    assert access[-1]["method"] == "GET" and access[-1]["path"] == "/health"
    assert access[-1]["status"] == 200 and access[-1]["duration_ms"] >= 0


def test_json_responses_carry_security_headers(client):
    headers = client.get("/health").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers


def test_html_pages_get_a_page_csp(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_hsts_only_over_https(client):
    response = client.get("/health", base_url="https://jobhub.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.fixture
def https_app(app_environ):
    env = {**app_environ, "FORCE_HTTPS": "true", "PROXY_FIX_X_FOR": "1"}
    return create_app(TestingConfig(env))


def test_force_https_redirects_plain_http(https_app):
    response = https_app.test_client().get("/api/openapi.json?x=1")
    assert response.status_code == 308
    assert response.headers["Location"].startswith("https://")
    assert response.headers["Location"].endswith("/api/openapi.json?x=1")


def test_force_https_trusts_the_proxy_header(https_app):
    response = https_app.test_client().get(
        "/api/openapi.json", headers={"X-Forwarded-Proto": "https"}
    )
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


def test_health_is_exempt_from_https_redirect(https_app):
    assert https_app.test_client().get("/health").status_code == 200


def test_cors_allows_only_configured_origins(app_environ):
    app = create_app(TestingConfig({**app_environ, "CORS_ORIGINS": "https://app.example"}))
    client = app.test_client()
    allowed = client.get("/api/openapi.json", headers={"Origin": "https://app.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    other = client.get("/api/openapi.json", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_no_cors_headers_without_allow_list(client):
    response = client.get("/api/openapi.json", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_client_ip_comes_from_trusted_proxy_only(app_environ, caplog):
    caplog.set_level(logging.INFO, logger="jobhub.access")
    trusting = create_app(TestingConfig({**app_environ, "PROXY_FIX_X_FOR": "1"}))
    trusting.test_client().get("/health", headers={"X-Forwarded-For": "203.0.113.9"})
    assert caplog.records[-1].remote_addr == "203.0.113.9"
    plain = create_app(TestingConfig(app_environ))
    plain.test_client().get("/health", headers={"X-Forwarded-For": "203.0.113.9"})
    assert caplog.records[-1].remote_addr == "127.0.0.1"
