"""Bodies against the document's schemas, and the error envelope (SPEC §1)."""

from __future__ import annotations

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

ENVELOPE_FIELDS = ("code", "status", "error", "message", "request_id")
MAX_PROBLEMS = 5


def schema_problems(body: object, schema: dict, document: dict) -> list[str]:
    """What is wrong with ``body`` against ``schema`` (refs resolved in ``document``)."""
    rooted = {**schema, "components": document.get("components", {})}
    validator = OAS30ReadValidator(rooted, format_checker=oas30_format_checker)
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
    return [_describe(error) for error in errors[:MAX_PROBLEMS]]


def _describe(error: ValidationError) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "(body)"
    return f"{where}: {error.message[:300]}"


def envelope_problems(body: object, status: int) -> list[str]:
    """What is wrong with ``body`` as the error envelope of a ``status`` answer."""
    if not isinstance(body, dict):
        return ["the error body is not a JSON object"]
    problems = [f"envelope lacks '{name}'" for name in ENVELOPE_FIELDS if name not in body]
    if "code" in body and body["code"] != status:
        problems.append(f"envelope code {body['code']!r} is not the status {status}")
    if "error" in body and not isinstance(body["error"], str):
        problems.append("envelope 'error' is not a string code")
    return problems
