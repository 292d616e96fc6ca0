"""Notification payloads (REST and socket.io) and request arguments."""

from __future__ import annotations

import marshmallow as ma

from jobhub.notifications.models import NOTIFICATION_TYPES
from jobhub.schemas import FastDump, Schema, UtcDateTime

MAX_BULK_IDS = 100


class NotificationSchema(FastDump):
    id = ma.fields.Integer(dump_only=True)
    type = ma.fields.String(metadata={"enum": list(NOTIFICATION_TYPES)})
    title = ma.fields.String()
    body = ma.fields.String()
    data = ma.fields.Dict(metadata={"description": "Ids and details of what it is about, by type."})
    read = ma.fields.Boolean()
    read_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()


class NotificationListArgs(Schema):
    unread = ma.fields.Boolean(
        metadata={"description": "true: only unread ones; false: only read ones."}
    )
    type = ma.fields.String(validate=ma.validate.OneOf(NOTIFICATION_TYPES))


class UnreadCountSchema(Schema):
    count = ma.fields.Integer(metadata={"example": 3})


class ReadAllResultSchema(Schema):
    updated = ma.fields.Integer(metadata={"description": "How many were marked read."})


class BulkDeleteSchema(Schema):
    ids = ma.fields.List(
        ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1)),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_BULK_IDS),
    )


class BulkDeleteResultSchema(Schema):
    deleted = ma.fields.Integer(metadata={"description": "How many of yours were deleted."})


class ChannelsSchema(Schema):
    in_app = ma.fields.Boolean(required=True)
    email = ma.fields.Boolean(required=True)


class ChannelsUpdateSchema(Schema):
    # Only JSON true or false, as every JSON boolean (jobhub.schemas.json_type_errors).
    in_app = ma.fields.Boolean()
    email = ma.fields.Boolean()


def _attribute(type_name: str) -> str:
    # marshmallow reads and writes dotted names as nested paths; "job.match" is one key.
    return type_name.replace(".", "__")


class _ByType(Schema):
    """A JSON object keyed by notification type, read and written as such."""

    @ma.pre_dump
    def _to_attributes(self, data: dict, **_: object) -> dict:
        return {_attribute(name): value for name, value in data.items()}

    @ma.post_load
    def _to_types(self, data: dict, **_: object) -> dict:
        by_attribute = {_attribute(name): name for name in NOTIFICATION_TYPES}
        return {by_attribute[attribute]: value for attribute, value in data.items()}


# One field per type, so unknown types are refused (422) and the docs list them all.
PreferencesSchema = _ByType.from_dict(
    {
        _attribute(name): ma.fields.Nested(ChannelsSchema, data_key=name)
        for name in NOTIFICATION_TYPES
    },
    name="NotificationPreferences",
)
PreferencesUpdateSchema = _ByType.from_dict(
    {
        _attribute(name): ma.fields.Nested(ChannelsUpdateSchema, data_key=name)
        for name in NOTIFICATION_TYPES
    },
    name="NotificationPreferencesUpdate",
)
