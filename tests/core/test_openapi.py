"""The OpenAPI document is valid and documents every route the app serves."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

# Routes that are not part of the REST API: docs pages, static files, the admin panel.
UNDOCUMENTED_PREFIXES = ("/static", "/admin", "/api/openapi.json", "/api/docs", "/api/redoc")


def _spec(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3(client):
    spec = _spec(client)
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_document_has_title_version_security_and_tags(client):
    spec = _spec(client)
    assert spec["info"]["title"] == "JobHub API"
    assert spec["info"]["version"] == "v1"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    tags = {tag["name"] for tag in spec["tags"]}
    assert "health" in tags
    assert all(tag.get("description") for tag in spec["tags"])


def test_every_route_is_documented(app, client):
    spec = _spec(client)
    documented = {
        (path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(UNDOCUMENTED_PREFIXES):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method))
    assert served, "no routes found"
    assert served - documented == set()
    assert documented - served == set()


def test_docs_pages_are_served(client):
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/redoc").status_code == 200


def test_error_envelope_is_the_documented_error_schema(client):
    schemas = _spec(client)["components"]["schemas"]
    error_schema = next(value for key, value in schemas.items() if key.startswith("ErrorEnvelope"))
    assert {"code", "status", "error", "message", "errors", "request_id"} <= set(
        error_schema["properties"]
    )
