"""Schema building blocks shared by every domain."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma


class UtcDateTime(ma.fields.DateTime):
    """ISO-8601 in UTC with a ``Z`` (SPEC §1); naive input is taken as UTC."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)


class Schema(ma.Schema):
    """Base schema: unknown fields are refused (422), so nothing is silently ignored."""

    class Meta:
        unknown = ma.RAISE


class ChangeSchema(Schema):
    """A partial update that must name at least one field: ``{}`` is a 422, and the
    OpenAPI document says so (``minProperties: 1``, from ``MIN_PROPERTIES``)."""

    MIN_PROPERTIES = 1
    EMPTY_MESSAGE = "Name at least one field to change."

    @ma.validates_schema
    def _names_a_field(self, data: dict, **_: object) -> None:
        if not data:
            raise ma.ValidationError(self.EMPTY_MESSAGE, "_schema")


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# What an http(s) link must look like, documented as the field's ``pattern`` and checked
# by exactly that expression: a client reading the schema knows what is accepted.
HTTP_URL_PATTERN = (
    rf"^https?://{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}}(?::[0-9]{{1,5}})?(?:[/?#][!-~]*)?$"
)
_HTTP_URL = re.compile(HTTP_URL_PATTERN.removeprefix("^").removesuffix("$"))


class HttpUrl(ma.fields.String):
    """An http(s) URL (surrounding spaces trimmed) matching ``HTTP_URL_PATTERN``; with
    ``blank_is_none`` an empty string means "none" (a form's cleared field)."""

    def __init__(self, *, blank_is_none: bool = False, max_length: int = 500, **kwargs: Any):
        self.blank_is_none = blank_is_none
        self.max_length = max_length
        core = HTTP_URL_PATTERN.removeprefix("^").removesuffix("$")
        pattern = f"^(?:{core})?$" if blank_is_none else HTTP_URL_PATTERN
        documented = {"pattern": pattern, "maxLength": max_length}
        kwargs["metadata"] = {**documented, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and self.blank_is_none:
            return None
        if len(text) > self.max_length:
            raise ma.ValidationError(f"Longer than maximum length {self.max_length}.")
        if not _HTTP_URL.fullmatch(text):
            raise ma.ValidationError("Not a valid http(s) URL, e.g. https://example.com.")
        return text
