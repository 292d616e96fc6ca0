"""Schema building blocks shared by every domain, and the bounds every input field gets.

Every integer, datetime and string a client sends is bounded here, once, whatever schema
reads it (SPEC §1: bad input never reaches the database as a 500): integers fit the
database's 32-bit integer columns, datetimes stay in years 1900-2999 (so that no
arithmetic on them overflows), strings carry no control characters, and single-line
strings (``Line``: titles, names, locations...) carry no line breaks either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import marshmallow as ma

# PostgreSQL's ``integer``: every id and counter column. Python and SQLite go further,
# which is why the SQLite run never saw an id past 2^31.
MIN_INT = -(2**31)
MAX_INT = 2**31 - 1
MIN_YEAR = 1900
MAX_YEAR = 2999
# Tab and line breaks are text; every other C0 control (NUL first) and DEL is not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\t\r\n\x0b\x0c\x85\u2028\u2029]")
CONTROL_MESSAGE = "Control characters (such as NUL) are not allowed."
LINE_MESSAGE = "Must be a single line (no line breaks or tabs)."


def refuse_control_characters(value: Any) -> None:
    """Validator: NUL and the other C0 controls except tab and line breaks are refused."""
    if isinstance(value, str) and _CONTROL.search(value):
        raise ma.ValidationError(CONTROL_MESSAGE)


def refuse_line_breaks(value: Any) -> None:
    """Validator for single-line text: no CR, LF, tab or Unicode line separator."""
    if isinstance(value, str) and _LINE_BREAK.search(value):
        raise ma.ValidationError(LINE_MESSAGE)


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def _refuse_far_dates(value: Any) -> None:
    if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ma.ValidationError(f"Must be between the years {MIN_YEAR} and {MAX_YEAR}.")


_INT_RANGE = ma.validate.Range(
    min=MIN_INT, max=MAX_INT, error="Must be between {min} and {max} (a 32-bit integer)."
)


def bound_field(field: ma.fields.Field) -> None:
    """Give an input field the bounds of its kind (idempotent; inner fields too)."""
    if getattr(field, "_jobhub_bounded", False):
        return
    field._jobhub_bounded = True
    # A new list, not append: a schema's copies of a field share the validators list.
    if isinstance(field, ma.fields.Integer):
        field.validators = [*field.validators, _INT_RANGE]
    elif isinstance(field, ma.fields.DateTime | ma.fields.Date):
        field.validators = [*field.validators, _refuse_far_dates]
    elif isinstance(field, ma.fields.String):
        field.validators = [*field.validators, refuse_control_characters]
    for inner in _inner_fields(field):
        bound_field(inner)


def _inner_fields(field: ma.fields.Field) -> list[ma.fields.Field]:
    inner = [getattr(field, "inner", None)]
    inner += [getattr(field, "key_field", None), getattr(field, "value_field", None)]
    inner += list(getattr(field, "tuple_fields", None) or ())
    return [f for f in inner if isinstance(f, ma.fields.Field)]


def bound_schema(schema: ma.Schema) -> ma.Schema:
    """Bound every input field of a schema instance that is not one of ours."""
    for field in schema.fields.values():
        bound_field(field)
    return schema


# -- JSON types ---------------------------------------------------------------------
# marshmallow coerces: a Boolean takes 1, "yes" and "true", an Integer "5" and 5.5. A JSON
# body is typed (the OpenAPI document says ``boolean``, ``integer``), so every JSON body
# is checked here, once, before its schema loads it (``jobhub.inputs.Parser``); query
# strings carry only strings and keep marshmallow's parsing.
BOOLEAN_MESSAGE = "Not a valid boolean: JSON true or false."
INTEGER_MESSAGE = "Not a valid integer: a JSON number without a fraction."
NUMBER_MESSAGE = "Not a valid number: a JSON number."


def _json_type_error(field: ma.fields.Field, value: Any) -> Any:
    """The error of one value against its field's JSON type (None when it fits)."""
    if value is None:
        return None  # marshmallow answers null itself (allow_none)
    if isinstance(field, ma.fields.Boolean):
        return None if isinstance(value, bool) else [BOOLEAN_MESSAGE]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(field, ma.fields.Integer):
        return None if is_number and isinstance(value, int) else [INTEGER_MESSAGE]
    if isinstance(field, ma.fields.Number):
        return None if is_number else [NUMBER_MESSAGE]
    if isinstance(field, ma.fields.List) and isinstance(value, list):
        errors = {
            i: e for i, item in enumerate(value) if (e := _json_type_error(field.inner, item))
        }
        return errors or None
    if isinstance(field, ma.fields.Dict) and isinstance(value, dict) and field.value_field:
        errors = {
            k: e for k, item in value.items() if (e := _json_type_error(field.value_field, item))
        }
        return errors or None
    if isinstance(field, ma.fields.Nested) and not isinstance(field, ma.fields.Pluck):
        schema = field.schema
        if field.many or schema.many:
            if not isinstance(value, list):
                return None
            errors = {
                i: e
                for i, item in enumerate(value)
                if (e := json_type_errors(schema, item, many=False))
            }
            return errors or None
        return json_type_errors(schema, value, many=False) or None
    return None


def json_type_errors(schema: ma.Schema, data: Any, *, many: bool | None = None) -> dict:
    """The fields of a parsed JSON body (nested ones too) whose JSON type is not their
    field's: a boolean must be ``true``/``false``, an integer a number without a fraction,
    a number a number. Empty when everything fits; types marshmallow already checks
    strictly (strings, lists, objects) are left to it."""
    many = schema.many if many is None else many
    if many:
        if not isinstance(data, list):
            return {}
        return {
            i: e for i, item in enumerate(data) if (e := json_type_errors(schema, item, many=False))
        }
    if not isinstance(data, Mapping):
        return {}
    errors: dict = {}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        if key in data and (error := _json_type_error(field, data[key])):
            errors[key] = error
    return errors


class Line(ma.fields.String):
    """Single-line text (titles, names, locations...): it may end up in a mail header, a
    subject, an invite's SUMMARY or a CSV cell, so line breaks and tabs are refused (422)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(refuse_line_breaks)


class Id(ma.fields.Integer):
    """A row id in a body or query string: a positive 32-bit integer (422 otherwise).

    ``references=Model`` also checks that the row exists (422 naming the field), for a
    foreign key the caller may name freely: SQLite would store a dangling id, PostgreSQL
    would refuse the flush."""

    def __init__(self, *args: Any, references: type | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One validator, so an id out of range gets one message and never reaches a query
        # (marshmallow runs every validator); its range is narrower than bound_field's.
        self.validators.append(_IdValidator(references))
        self._jobhub_bounded = True


class _IdValidator(ma.validate.Validator):
    RANGE_MESSAGE = f"Must be an id between 1 and {MAX_INT}."
    # Read by apispec (as from a Range): the document says minimum 1, maximum 2^31 - 1.
    min = 1
    max = MAX_INT

    def __init__(self, model: type | None) -> None:
        self.model = model

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, int) or not 1 <= value <= MAX_INT:
            raise ma.ValidationError(self.RANGE_MESSAGE)
        if self.model is None:
            return value
        from sqlalchemy import select

        from jobhub.db import db

        found = db.session.scalar(select(self.model.id).where(self.model.id == value))
        if found is None:
            raise ma.ValidationError(f"No {self.model.__name__.lower()} has this id.")
        return value


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
        _refuse_far_dates(parsed)  # before converting: 9999-12-31T23:59-01:00 overflows
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)


class Schema(ma.Schema):
    """Base schema: unknown fields are refused (422), so nothing is silently ignored; every
    field gets the bounds of its kind (``bound_field``)."""

    class Meta:
        unknown = ma.RAISE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_schema(self)


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


# -- fast dumps for lists ---------------------------------------------------------------


def _scalar(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _value_dumper(field: ma.fields.Field) -> Callable[[Any], Any] | None:
    """A plain function for what ``field`` writes, or None for a kind not handled here."""
    kind = type(field)
    if kind in (ma.fields.Integer, Id) and not field.as_string:
        return _scalar(int)
    if kind in (ma.fields.String, Line):
        return _scalar(str)
    if kind is ma.fields.Boolean:
        return _scalar(bool)
    if kind is UtcDateTime:
        return lambda value: field._serialize(value, None, None)
    if kind is ma.fields.Enum and field.by_value and type(field.field) is ma.fields.Raw:
        return _scalar(lambda member: member.value)
    if kind is ma.fields.Dict and field.key_field is None and field.value_field is None:
        return _scalar(dict)  # marshmallow's Mapping writes a plain copy
    if kind is ma.fields.List:
        inner = _value_dumper(field.inner)
        return None if inner is None else _scalar(lambda items: [inner(i) for i in items])
    if kind is ma.fields.Nested and isinstance(field.schema, FastDump) and not field.many:
        nested = _compile(field.schema)
        return None if nested is None else _scalar(nested)
    return None


def _compile(schema: ma.Schema) -> Callable[[Any], dict] | None:
    if any(schema._hooks[hook] for hook in ("pre_dump", "post_dump")):
        return None
    parts = []
    for name, field in schema.dump_fields.items():
        dump = _value_dumper(field)
        if dump is None:
            return None
        parts.append((field.data_key or name, field.attribute or name, dump))

    def dump_one(obj: Any) -> dict:
        return {key: dump(getattr(obj, attribute)) for key, attribute, dump in parts}

    return dump_one


class FastDump(Schema):
    """A schema whose ``dump`` of objects (ORM rows) is one compiled function per schema:
    the same dict as marshmallow's, without its per-field machinery (a page of 20 jobs
    spent a fifth of its request in it). Field kinds it does not know, dump hooks and
    mappings go through marshmallow as before; the schema still documents the API."""

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        many = self.many if many is None else many
        dump_one = self.__dict__.get("_fast_dump", False)
        if dump_one is False:
            dump_one = self.__dict__["_fast_dump"] = _compile(self)
        if many and not isinstance(obj, list | tuple):
            obj = list(obj)
        sample = (obj[0] if obj else None) if many else obj
        if dump_one is None or sample is None or isinstance(sample, Mapping):
            return super().dump(obj, many=many)
        return [dump_one(item) for item in obj] if many else dump_one(obj)
