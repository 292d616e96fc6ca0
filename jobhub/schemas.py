"""Schema building blocks shared by every domain."""

from __future__ import annotations

from datetime import UTC, datetime

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
