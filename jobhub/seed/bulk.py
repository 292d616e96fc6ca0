"""The one bulk path for seeding: rows generated in memory, written without the ORM.

Where a seed is too large for the services (100,000 jobs, a million application
moves), or its rows must carry a past (an application's history, with the times it
moved), it is generated as dicts keyed by column and written here:

- ids are drawn up front (``Ids``): from the PostgreSQL sequence in one query, or past
  ``max(id)`` on SQLite, so rows can refer to each other before they are written;
- ``insert_rows`` fills every column the row leaves out with the model's own default
  (so no seed repeats a model's column list), then writes with ``COPY`` through the
  session's connection on PostgreSQL (inside the seed's transaction: a failure leaves
  nothing) or ``executemany`` in chunks on SQLite.

Rows written this way skip the services' rules and side effects (notifications, mail,
search cache, match scores): the seed is responsible for their consistency, and the
tests of ``flask seed`` check it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, text

from jobhub.db import db

SQLITE_CHUNK = 5000


class Ids:
    """Ids for ``count`` new rows of ``model``, taken in order."""

    def __init__(self, model: type, count: int) -> None:
        if count == 0:
            self._ids: list[int] = []
        elif db.engine.dialect.name == "postgresql":
            self._ids = list(
                db.session.scalars(
                    text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"table": model.__table__.name, "n": count},
                )
            )
        else:
            start = (db.session.scalar(select(func.max(model.id))) or 0) + 1
            self._ids = list(range(start, start + count))
        self._next = 0

    def take(self) -> int:
        value = self._ids[self._next]
        self._next += 1
        return value


def _defaults(model: type) -> dict[str, Any]:
    """The model's Python-side column defaults, as callables of nothing."""
    found = {}
    for column in model.__table__.columns:
        default = column.default
        if default is None or column.primary_key:
            continue
        if default.is_callable:
            found[column.key] = lambda d=default: d.arg(None)
        elif default.is_scalar:
            found[column.key] = lambda d=default: d.arg
    return found


def complete(model: type, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with every column they leave out set to the model's default."""
    defaults = _defaults(model)
    return [{**{k: make() for k, make in defaults.items() if k not in row}, **row} for row in rows]


def insert_rows(model: type, rows: Sequence[dict[str, Any]]) -> None:
    """Write ``rows`` of ``model`` in bulk, in the session's transaction."""
    if not rows:
        return
    rows = complete(model, rows)
    if db.engine.dialect.name == "postgresql":
        _copy(model.__table__.name, rows)
        return
    for start in range(0, len(rows), SQLITE_CHUNK):
        db.session.execute(insert(model), rows[start : start + SQLITE_CHUNK])


def _copy(table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    raw = db.session.connection().connection.driver_connection
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_pg_value(row[column]) for column in columns])


def _pg_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value
