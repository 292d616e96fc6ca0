"""Bulk operations (SPEC §10): the item limit, per-item validation and the all-or-nothing rule.

A bulk request is validated item by item; the answer to any invalid item is one 422 whose
``errors`` are keyed by the item's index (``{"3": {"title": ["..."]}}``) and nothing is
changed. The domains check what they can before touching anything (schemas, lookups,
permissions, transitions), then apply the items one by one through their usual services;
an item the service still refuses stops the request, and the request's rollback takes back
the items applied before it (their notifications and tasks included: they wait for the
commit that never comes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import marshmallow as ma
from marshmallow import validate

from jobhub.errors import JobHubError, ValidationError

MAX_ITEMS = 1_000
ITEMS = validate.Length(min=1, max=MAX_ITEMS)
T = TypeVar("T")
R = TypeVar("R")
MESSAGE = "Nothing was changed: fix the items named in errors (by index)."


def ids_field(**kwargs: Any) -> ma.fields.List:
    """A list of 1 to 1,000 distinct positive ids."""
    return ma.fields.List(
        ma.fields.Integer(strict=True, validate=validate.Range(min=1)),
        required=True,
        validate=[ITEMS, _distinct],
        **kwargs,
    )


def items_field(**kwargs: Any) -> ma.fields.List:
    """A list of 1 to 1,000 objects, each validated on its own (``load_items``)."""
    return ma.fields.List(ma.fields.Dict(), required=True, validate=ITEMS, **kwargs)


def _distinct(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ma.ValidationError("Each id may be listed once.")


def item_errors(error: JobHubError, field: str = "_schema") -> dict[str, Any]:
    """A service's refusal of one item, as that item's entry in ``errors``."""
    if error.errors:
        found = error.errors.get("json", error.errors)
        if isinstance(found, dict):
            return found
    return {field: [error.message]}


def refuse(errors: dict[int, dict[str, Any]]) -> None:
    """Raise the bulk 422 if any item was refused."""
    if errors:
        raise ValidationError(MESSAGE, errors={str(i): errors[i] for i in sorted(errors)})


def refuse_repeats(values: list[Any], field: str = "id") -> None:
    """An id listed a second time is refused at that index."""
    seen: set[Any] = set()
    errors: dict[int, dict[str, Any]] = {}
    for index, value in enumerate(values):
        if value in seen:
            errors[index] = {field: ["Listed twice in this request."]}
        seen.add(value)
    refuse(errors)


def load_items(schema: ma.Schema, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Load every item with ``schema``; any invalid one is the bulk 422."""
    loaded: list[dict[str, Any]] = []
    errors: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(items):
        try:
            loaded.append(schema.load(item))
        except ma.ValidationError as exc:
            messages = exc.messages
            errors[index] = messages if isinstance(messages, dict) else {"_schema": messages}
    refuse(errors)
    return loaded


def check_each(items: Iterable[T], check: Callable[[T], R], field: str = "_schema") -> list[R]:
    """``check`` every item (nothing written yet); every refusal is collected, then the 422."""
    results: list[R] = []
    errors: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(items):
        try:
            results.append(check(item))
        except JobHubError as exc:
            errors[index] = item_errors(exc, field)
    refuse(errors)
    return results


def apply_each(items: Iterable[T], apply: Callable[[T], R], field: str = "_schema") -> list[R]:
    """Apply every item in order; the first refusal is the 422 (the request rolls back)."""
    results: list[R] = []
    for index, item in enumerate(items):
        try:
            results.append(apply(item))
        except JobHubError as exc:
            refuse({index: item_errors(exc, field)})
    return results


class BulkItemResultSchema(ma.Schema):
    index = ma.fields.Integer()
    id = ma.fields.Integer()
    status = ma.fields.String()


class BulkResultsSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(BulkItemResultSchema))


def results(rows: list[tuple[int, str]]) -> dict[str, list[dict[str, Any]]]:
    """``{results: [{index, id, status}]}`` from ``(id, status)`` in item order."""
    return {
        "results": [
            {"index": index, "id": row_id, "status": status}
            for index, (row_id, status) in enumerate(rows)
        ]
    }
