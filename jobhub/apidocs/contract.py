"""The error responses every operation can give, declared in one place (library, not a domain).

Views declare what is theirs (``@blp.alt_response(409, ...)`` for a duplicate, a state
conflict); the refusals that come from the machinery around every view are added here,
from facts the operation's own document states, and never replace a view's declaration:

- a bearer ``security`` requirement: 401 (missing, invalid, expired or revoked token)
  and 403 (a disabled account, a role not named in ``x-roles``, or a policy's refusal:
  SPEC §1's "an action on a visible resource the caller may not take");
- a path parameter: 404 (no such row, or one the caller may not see, SPEC §1);
- a query or path parameter: 422 (validation);
- a request body: 400 (malformed JSON), 413 (over ``MAX_CONTENT_LENGTH``), 415 (not the
  declared media type) and 422;
- every operation: 400 (a query string over 4096 bytes, an untrusted Host) and 422 (a
  control character in a query parameter, declared or not): ``jobhub.inputs`` checks
  them before any view;
- every path but the ones exempt from the default rate limit: 429 with ``Retry-After``.

Text fields say what they refuse (jobhub/schemas.py's bounds): every input string a
``pattern`` without control characters, a single-line one (``Line``) without line breaks
either, unless the field has a stricter pattern of its own.

An enum field narrowed by a ``OneOf`` validator documents only the values it accepts
(``POST /jobs`` takes ``draft`` or ``published``, not ``closed``).

``X-Pagination`` is declared as what it is on the wire: a string carrying JSON, and a
schema that refuses an empty object (``jobhub.schemas.ChangeSchema``) says
``minProperties``.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from apispec import BasePlugin
from marshmallow import validate

RATE_LIMITED = "RATE_LIMITED"
ERROR_SCHEMA = "ErrorEnvelope"
_ERRORS = {
    400: "`bad_request`: the body is not well-formed JSON (or nested too deep, a number too "
    "long), the query string is longer than 4096 bytes, or the Host is not trusted.",
    401: "`unauthorized`, `token_expired` or `token_revoked`: no valid token.",
    403: "`forbidden`: the caller may not take this action (role, relation to the row); "
    "`account_disabled`: the account is disabled.",
    404: "`not_found`: no such resource, or one the caller may not see (SPEC §1).",
    413: "`payload_too_large`: the body is larger than the server accepts.",
    415: "`unsupported_media_type`: the body is not of the declared media type.",
    422: "`validation_error`: a parameter or field failed validation (see `errors`).",
}
PAGINATION_HEADER = {
    "description": (
        "Pagination metadata: a JSON object, serialised, with total, total_pages, "
        "first_page, last_page, page, previous_page and next_page (the page fields are "
        'absent when there are no items), e.g. `{"total": 42, "total_pages": 3, '
        '"first_page": 1, "last_page": 3, "page": 1, "next_page": 2}`.'
    ),
    "schema": {"type": "string"},
}
RATE_LIMITED_DOC = {
    "description": "`rate_limited`: too many requests from this caller; retry later.",
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}
_METHODS = ("get", "put", "post", "patch", "delete")


class ErrorResponsesPlugin(BasePlugin):
    """apispec plugin: declare the shared error responses on every operation."""

    def __init__(self, *, unlimited_paths: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.unlimited_paths = unlimited_paths

    def schema_helper(self, name: str, definition: dict, **kwargs: Any) -> dict | None:
        """``minProperties`` for the schemas that refuse ``{}`` (jobhub.schemas.ChangeSchema)."""
        schema = kwargs.get("schema")
        schema_class = schema if isinstance(schema, type) else type(schema)
        minimum = getattr(schema_class, "MIN_PROPERTIES", None)
        return {"minProperties": minimum} if minimum else None

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            if method in _METHODS:
                self._declare(path or "", operation)

    def _declare(self, path: str, operation: dict[str, Any]) -> None:
        responses = operation.setdefault("responses", {})
        for status in sorted(_statuses(path, operation)):
            responses.setdefault(str(status), error_response(_ERRORS[status]))
        if not path.startswith(self.unlimited_paths):
            responses.setdefault("429", RATE_LIMITED)


def error_response(description: str, **extra: Any) -> dict[str, Any]:
    """A response in the error envelope (SPEC §1)."""
    return {
        "description": description,
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
        **extra,
    }


def _statuses(path: str, operation: dict[str, Any]) -> set[int]:
    """The shared error statuses this operation can answer, from its own document."""
    statuses: set[int] = {400, 422}  # the query string's guard (jobhub.inputs), everywhere
    if any("bearerAuth" in requirement for requirement in operation.get("security", [])):
        statuses |= {401, 403}
    if "{" in path:  # flask-smorest documents path parameters on the path, not here
        statuses |= {404, 422}
    if "requestBody" in operation:
        statuses |= {413, 415}
    return statuses


def enum_choices2properties(_converter: Any, field: ma.fields.Field, **kwargs: Any) -> dict:
    """apispec attribute function: an ``Enum`` field's ``enum`` narrowed to its ``OneOf``."""
    if not isinstance(field, ma.fields.Enum):
        return {}
    allowed = [
        field._serialize(choice, None, None)
        for validator in field.validators
        if isinstance(validator, validate.OneOf)
        for choice in validator.choices
    ]
    documented = kwargs.get("ret", {}).get("enum")
    if not allowed or documented is None:
        return {}
    return {"enum": [value for value in documented if value in allowed]}


# ECMAScript and Python alike; the same sets as jobhub.schemas' _CONTROL and _LINE_BREAK.
NO_CONTROL_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
SINGLE_LINE_PATTERN = (
    r"^[^\u0000-\u001f\u007f\u0085\u2028\u2029]*$"  # no controls, tabs or line breaks
)


def text_bounds2properties(_converter: Any, field: ma.fields.Field, **kwargs: Any) -> dict:
    """apispec attribute function: the ``pattern`` an input string is held to."""
    from jobhub.schemas import refuse_control_characters, refuse_line_breaks

    if not isinstance(field, ma.fields.String) or "pattern" in kwargs.get("ret", {}):
        return {}
    if refuse_line_breaks in field.validators:
        return {"pattern": SINGLE_LINE_PATTERN}
    # Output schemas' fields are bounded too but validate nothing else: what they show
    # was written before (or without) these bounds, and only inputs are held to them.
    declared = [v for v in field.validators if v is not refuse_control_characters]
    if refuse_control_characters in field.validators and declared:
        return {"pattern": NO_CONTROL_PATTERN}
    return {}
