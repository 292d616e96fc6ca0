"""The input guards (a core library): what every request passes before a view sees it.

- Path ids: ``<int:...>`` is a bounded converter (a 32-bit id; beyond it, 404).
- JSON bodies: one loader for webargs and ``request.get_json`` alike refuses absurd
  nesting, digit counts, NaN/Infinity and lone surrogates (400 ``bad_request``) and
  control characters in any string or key (422 ``validation_error``); a body that is not
  JSON on a JSON endpoint is a 415; validation errors are capped at
  ``MAX_REPORTED_ERRORS`` keys per location; JSON types are strict (``true``/``false``
  for a boolean, a number for an integer: ``jobhub.schemas.json_type_errors``).
- Query strings: at most ``MAX_QUERY_STRING`` bytes (400), no control characters (422).
- Every schema a parser loads gets the bounds of ``jobhub.schemas`` (flask-smorest's own
  pagination parameters included).
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import flask_smorest
import marshmallow as ma
import orjson
from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import pagination
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.routing import IntegerConverter

from jobhub.errors import BadRequest, NotFound, UnsupportedMediaType, ValidationError
from jobhub.schemas import (
    CONTROL_MESSAGE,
    MAX_INT,
    bound_field,
    bound_schema,
    has_control_characters,
    json_type_errors,
)

MAX_JSON_DEPTH = 32
MAX_NUMBER_CHARS = 40  # a number literal: digits, sign, point and exponent
MAX_QUERY_STRING = 4096  # bytes; gunicorn's own limit on the request line is 8190
MAX_REPORTED_ERRORS = 20
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LONG_DIGITS = re.compile(rf"\d{{{MAX_NUMBER_CHARS - 4}}}")
# The JSON escapes that can decode to a control character or a surrogate (and a few more).
_SUSPECT_ESCAPE = re.compile(r"\\(?:u(?:00[01]|007|[dD][89a-fA-F])|[bf])", re.IGNORECASE)


def digits_at_most(limit: int) -> str:
    """A regex of the decimal numbers from 0 to ``limit`` (no sign)."""
    text = str(limit)
    options = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - i - 1
            options.append(f"{text[:i]}[0-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(text)
    return "(?:" + "|".join(options) + ")"


class IdConverter(IntegerConverter):
    """``<int:id>`` as the database sees it: past 2^31 - 1 the route does not match (404).

    The bound is in the regex: werkzeug decides 405 before it calls ``to_python``, so a
    bound checked only there would answer ``DELETE /jobs/99999999999`` with a 405.
    """

    regex = digits_at_most(MAX_INT)

    def __init__(self, map: Any, fixed_digits: int = 0, min: Any = None, max: Any = None,
                 signed: bool = False) -> None:  # fmt: skip
        super().__init__(map, fixed_digits, min, MAX_INT if max is None else max, signed)


# -- JSON ---------------------------------------------------------------------------


def _number(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARS:
        raise BadRequest(f"A number in the body has more than {MAX_NUMBER_CHARS} characters.")
    return text


def _parse_int(text: str) -> int:
    return int(_number(text))


def _parse_float(text: str) -> float:
    return float(_number(text))


def _parse_constant(text: str) -> Any:
    raise BadRequest(f"{text} is not JSON.")


def loads(text: str | bytes) -> Any:
    """Parse a request body: ``json.loads`` with the guards above (400 or 422)."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        # Number hooks cost a call per number: only when a long run of digits is there.
        hooks = {"parse_int": _parse_int, "parse_float": _parse_float}
        numbers = hooks if _LONG_DIGITS.search(text) else {}
        data = json.loads(text, parse_constant=_parse_constant, **numbers)
    except UnicodeDecodeError as exc:
        raise BadRequest("The body is not valid UTF-8.") from exc
    except json.JSONDecodeError as exc:
        raise BadRequest(f"The body is not valid JSON: {exc.msg} (at {exc.pos}).") from exc
    except RecursionError as exc:
        raise BadRequest(f"The body is nested more than {MAX_JSON_DEPTH} levels deep.") from exc
    # Cheap scans of the text decide which walks are needed: a control character or a
    # surrogate can only arrive as an escape, and depth needs that many brackets.
    check_json(
        data,
        strings=bool(_SUSPECT_ESCAPE.search(text)),
        depth=text.count("[") + text.count("{") > MAX_JSON_DEPTH,
    )
    return data


def _check_string(value: str, path: list[str]) -> None:
    if _SURROGATE.search(value):
        raise BadRequest("The body contains a lone surrogate (not valid Unicode).")
    if has_control_characters(value):
        raise ValidationError(errors={"json": _nest(path, [CONTROL_MESSAGE])})


def _nest(path: list[str], leaf: Any) -> Any:
    for key in reversed(path or ["_schema"]):
        leaf = {key: leaf}
    return leaf


def check_json(data: Any, *, strings: bool = True, depth: bool = True) -> None:
    """Walk parsed JSON once (no recursion): depth, surrogates, control characters."""
    if not (strings or depth):
        return
    stack: list[tuple[Any, int, list[str]]] = [(data, 1, [])]
    while stack:
        value, level, path = stack.pop()
        if isinstance(value, str):
            _check_string(value, path)
            continue
        if not isinstance(value, dict | list):
            continue
        if level > MAX_JSON_DEPTH:
            raise BadRequest(f"The body is nested more than {MAX_JSON_DEPTH} levels deep.")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if strings and isinstance(key, str):
                _check_string(key, path)
            if (strings and isinstance(item, str)) or isinstance(item, dict | list):
                stack.append((item, level + 1, [*path, str(key)]))


# orjson, told to sort keys like json.dumps(sort_keys=True) and to hand dates to Flask's
# default (an HTTP date, not ISO 8601), as Flask's provider does.
_ORJSON_OPTIONS = (
    orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)
_COMPACT = {"separators": (",", ":")}
# What json.dumps(ensure_ascii=True) escapes and orjson does not: DEL and non-ASCII.
_UNESCAPED = re.compile(r"[^\x00-\x7e]")
# A float in exponent form: json.dumps writes 1e+16 and 1.5e-07, orjson 1e16 and 1.5e-7.
_EXPONENT = re.compile(rb"\d[eE][-+]?\d")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a surrogate pair, as json.dumps writes it
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def fast_dumps(obj: Any, default: Any) -> str | None:
    """``json.dumps(obj, default=default, ensure_ascii=True, sort_keys=True,
    separators=(",", ":"))`` byte for byte, through orjson; None when orjson cannot say
    the same (keys that are not strings, integers past 64 bits, exponent floats)."""
    try:
        raw = orjson.dumps(obj, default=default, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError included
        return None
    if _EXPONENT.search(raw):
        return None  # perhaps inside a string only: json.dumps is right either way
    text = raw.decode()
    if not raw.isascii() or "\x7f" in text:
        text = _UNESCAPED.sub(_escape, text)
    return text


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON, reading through the guarded loader (``request.get_json``) and
    writing compact responses through orjson (the same bytes as ``json.dumps``)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs == _COMPACT and self.ensure_ascii and self.sort_keys:
            text = fast_dumps(obj, self.default)
            if text is not None:
                return text
        return super().dumps(obj, **kwargs)


# -- webargs ------------------------------------------------------------------------


class Parser(FlaskParser):
    """flask-smorest's parser with the guarded loader, 415s and capped errors; and
    ``form_and_files``: one multipart body of form fields and files, read (and documented)
    by one schema. flask-smorest documents only one body per operation, so a ``form`` and
    a ``files`` argument on the same view showed the file alone (a client reading the
    document sent no form fields)."""

    __location_map__ = {**FlaskParser.__location_map__, "form_and_files": "load_form_and_files"}

    def load_form_and_files(self, req: Request, schema: ma.Schema) -> Any:
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req: Request) -> Any:
        # content_length too: a form read earlier (the panel's throttle keys) empties the stream
        if not req.content_length and not req.get_data(cache=True):
            return core.missing
        if not core.is_json(req.mimetype):
            raise UnsupportedMediaType("This endpoint reads a JSON body (application/json).")
        return req.get_json(cache=True)  # through JsonProvider, parsed once per request

    def _get_schema(self, argmap: Any, req: Request) -> ma.Schema:
        return bound_schema(super()._get_schema(argmap, req))

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        data = super().load_json(req, schema)
        if isinstance(data, dict) and schema.unknown == ma.RAISE and not schema.many:
            _refuse_many_unknown(data, schema)
        if errors := json_type_errors(schema, data):
            raise ValidationError(errors={"json": cap_errors(errors)})
        return data

    def handle_error(self, error: ma.ValidationError, req: Request, schema: ma.Schema,
                     *, error_status_code: int | None, error_headers: Any) -> Any:  # fmt: skip
        error.messages = {k: cap_errors(v) for k, v in _as_dict(error.messages).items()}
        return super().handle_error(
            error, req, schema, error_status_code=error_status_code, error_headers=error_headers
        )


def _as_dict(messages: Any) -> dict:
    return messages if isinstance(messages, dict) else {"_schema": messages}


def cap_errors(errors: Any) -> Any:
    """At most ``MAX_REPORTED_ERRORS`` keys, and a count of the rest under ``_more``."""
    if not isinstance(errors, dict) or len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    kept = dict(itertools.islice(errors.items(), MAX_REPORTED_ERRORS))
    kept["_more"] = [f"{len(errors) - MAX_REPORTED_ERRORS} more fields have errors."]
    return kept


def _refuse_many_unknown(data: dict, schema: ma.Schema) -> None:
    """Answer a body of many unknown keys at once, before marshmallow lists every one."""
    if len(data) <= len(schema.load_fields) + MAX_REPORTED_ERRORS:
        return
    known = {field.data_key or name for name, field in schema.load_fields.items()}
    unknown = [key for key in data if key not in known]
    if len(unknown) > MAX_REPORTED_ERRORS:
        errors = {key: ["Unknown field."] for key in unknown[:MAX_REPORTED_ERRORS]}
        errors["_more"] = [f"{len(unknown) - MAX_REPORTED_ERRORS} more unknown fields."]
        raise ValidationError(errors={"json": errors})


# -- query strings ------------------------------------------------------------------


def check_query_string() -> None:
    """before_request: refuse over-long query strings and control characters in them."""
    if has_control_characters(request.path):
        raise NotFound()
    if len(request.query_string) > MAX_QUERY_STRING:
        raise BadRequest(f"The query string is longer than {MAX_QUERY_STRING} bytes.")
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            raise ValidationError(errors={"query": {key: [CONTROL_MESSAGE]}})


# -- wiring -------------------------------------------------------------------------

PARSER = Parser()
_smorest_pagination_schema = pagination._pagination_parameters_schema_factory


def _bounded_pagination_schema(*args: Any) -> type[ma.Schema]:
    """flask-smorest's page/page_size schema with the bounds (and their OpenAPI maximum)."""
    base = _smorest_pagination_schema(*args)
    return type(base.__name__, (base,), {"on_bind_field": _bind_bounded})


def _bind_bounded(self: ma.Schema, field_name: str, field_obj: ma.fields.Field) -> None:
    bound_field(field_obj)


def install_parsers() -> None:
    """Before any view module is imported (flask-smorest binds its parser at decoration)."""
    flask_smorest.Blueprint.ARGUMENTS_PARSER = PARSER
    flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }
    flask_smorest.Blueprint.PAGINATION_ARGUMENTS_PARSER = PARSER
    pagination._pagination_parameters_schema_factory = _bounded_pagination_schema


def init_app(app: Flask) -> None:
    """Before any route is added: the id converter; the JSON loader; the query guard."""
    app.url_map.converters["int"] = IdConverter
    app.json = JsonProvider(app)
    app.before_request(check_query_string)
