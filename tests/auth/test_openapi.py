"""The account API is documented: summaries, examples, error responses, bearer security."""

from __future__ import annotations

import pytest

PUBLIC = {
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/login/2fa"),
    ("post", "/api/v1/auth/password/forgot"),
    ("post", "/api/v1/auth/password/reset"),
    ("post", "/api/v1/auth/verify-email/confirm"),
    ("post", "/api/v1/auth/token-exchange"),
}


@pytest.fixture
def operations(client) -> dict:
    spec = client.get("/api/openapi.json").get_json()
    return {
        (method, path): operation
        for path, item in spec["paths"].items()
        if path.startswith(("/api/v1/auth", "/api/v1/users"))
        for method, operation in item.items()
        if method in {"get", "post", "patch", "delete", "put"}
    }


def test_every_spec_endpoint_is_there(operations):
    # 18, plus the two-factor login step, setup, enable and disable, and the token
    # exchange with the linked identities' list and unlink.
    assert len(operations) == 25
    assert ("post", "/api/v1/auth/token-exchange") in operations
    assert ("post", "/api/v1/auth/login/2fa") in operations
    assert ("delete", "/api/v1/auth/sessions/{session_id}") in operations
    assert ("get", "/api/v1/users") in operations


def test_each_operation_has_a_summary_and_error_responses(operations):
    for key, operation in operations.items():
        assert operation.get("summary"), key
        errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
        assert errors, key


def test_bearer_security_exactly_where_a_token_is_needed(operations):
    for key, operation in operations.items():
        secured = operation.get("security") == [{"bearerAuth": []}]
        assert secured is (key not in PUBLIC), key


def test_request_bodies_carry_examples(operations):
    with_body = [(k, op) for k, op in operations.items() if "requestBody" in op]
    assert len(with_body) >= 9
    for key, operation in with_body:
        content = operation["requestBody"]["content"]["application/json"]
        assert "example" in content or "examples" in content, key


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/auth/register", "password"),
        ("/api/v1/auth/password/reset", "new_password"),
        ("/api/v1/auth/password/change", "new_password"),
    ],
)
def test_new_passwords_document_the_policy_length(client, operations, path, field):
    """The policy's 12-128 characters are in the document (a shorter one is a 422)."""
    from jobhub.passwords import MAX_LENGTH, MIN_LENGTH

    spec = client.get("/api/openapi.json").get_json()
    body = operations[("post", path)]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    documented = spec["components"]["schemas"][name]["properties"][field]
    assert (documented["minLength"], documented["maxLength"]) == (MIN_LENGTH, MAX_LENGTH)
