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


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def _header(spec: dict, header: dict) -> dict:
    if "$ref" in header:
        return spec["components"]["headers"][header["$ref"].rsplit("/", 1)[-1]]
    return header


def test_x_pagination_is_a_string_carrying_json_on_every_list(client):
    """The header is a JSON string on the wire; an object schema would be a lie."""
    spec = _spec(client)
    paginated = []
    for path, method, operation in _operations(spec):
        headers = operation["responses"].get("200", {}).get("headers", {})
        if "X-Pagination" in headers:
            paginated.append((method, path))
            assert _header(spec, headers["X-Pagination"])["schema"] == {"type": "string"}
    assert ("get", "/api/v1/jobs") in paginated
    assert ("get", "/api/v1/applications") in paginated
    assert len(paginated) >= 15


def test_shared_error_responses_are_declared_on_every_operation(client):
    spec = _spec(client)
    for path, method, operation in _operations(spec):
        declared = set(operation["responses"])
        where = f"{method.upper()} {path}"
        if any("bearerAuth" in req for req in operation.get("security", [])):
            assert {"401", "403"} <= declared, where
        if "{" in path:
            assert {"404", "422"} <= declared, where
        if "requestBody" in operation:
            assert {"400", "413", "415", "422"} <= declared, where
        if path.startswith("/api/v1"):
            assert "429" in declared, where


def test_rate_limited_response_has_retry_after_and_the_envelope(client):
    spec = _spec(client)
    response = spec["components"]["responses"]["RATE_LIMITED"]
    assert response["headers"]["Retry-After"]["schema"]["type"] == "integer"
    schema_ref = response["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.endswith("/ErrorEnvelope")
    jobs = spec["paths"]["/api/v1/jobs"]["get"]["responses"]
    assert jobs["429"] == {"$ref": "#/components/responses/RATE_LIMITED"}


def test_role_restricted_operations_name_their_roles(client):
    spec = _spec(client)
    assert spec["paths"]["/api/v1/users"]["get"]["x-roles"] == ["admin"]
    assert spec["paths"]["/api/v1/jobs"]["post"]["x-roles"] == ["employer"]
    assert "x-roles" not in spec["paths"]["/api/v1/jobs"]["get"]
