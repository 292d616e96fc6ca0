"""Set-based loading on PostgreSQL: rows COPYed into a staging table, then merged.

The imports (``jobhub.imports``) insert thousands of validated rows in one transaction:

- ``copy_to_stage`` creates a temporary table shaped like the target's columns (same
  types: enums, JSON, timestamps are parsed by PostgreSQL), dropped at commit, and COPYes
  the rows into it (psycopg 3 ``cursor.copy``); the caller merges it with ``INSERT …
  SELECT``.
- ``references_held`` lets those merges skip PostgreSQL's per-row foreign-key checks
  (one query per inserted row and reference, most of a merge's time) when the caller
  holds every referenced row itself: the rows it names are locked ``FOR KEY SHARE``
  once (what each check would have done per row), and the rows inserted by the same
  transaction need no lock (nobody else sees them yet). It sets
  ``session_replication_role`` to ``replica`` for those statements only, which the
  database role may do if it is a superuser or was granted it (PostgreSQL 15: ``GRANT
  SET ON PARAMETER session_replication_role TO …``); otherwise, or with
  ``IMPORT_TRUSTED_REFERENCES=false``, the checks run as usual. Replica mode also skips
  ordinary triggers: the caller computes what they would have (the jobs' search vector).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Enum, Table

from jobhub.db import db


def driver_connection() -> Any:
    """The psycopg connection under the session's (same transaction)."""
    return db.session.connection().connection.driver_connection


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, Enum):
        return lambda value: value.value if isinstance(value, enum.Enum) else value
    if isinstance(column_type, JSON):
        return lambda value: None if value is None else json.dumps(value)
    return None


def copy_to_stage(
    cursor: Any,
    *,
    table: Table,
    stage: str,
    columns: Sequence[str],
    rows: Iterable[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """A temporary ``stage`` with ``table``'s ``columns``, the rows COPYed into it;
    ``progress(done)`` every ``IMPORT_PROGRESS_ROWS`` rows. Returns the count."""
    from psycopg import sql  # only on PostgreSQL, whose driver is loaded by then

    names = sql.SQL(", ").join(sql.Identifier(name) for name in columns)
    target = sql.Identifier(stage)
    cursor.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            target, names, sql.Identifier(table.name)
        )
    )
    # Converted per column, once: enums by their values, JSON as text.
    converters = [
        (index, convert)
        for index, name in enumerate(columns)
        if (convert := _converter(table.c[name].type)) is not None
    ]
    every = current_app.config["IMPORT_PROGRESS_ROWS"]
    done = 0
    with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(target, names)) as copy:
        for row in rows:
            cells = [row[name] for name in columns]
            for index, convert in converters:
                cells[index] = convert(cells[index])
            copy.write_row(cells)
            done += 1
            if progress is not None and done % every == 0:
                progress(done)
    return done


def _may_skip_checks(cursor: Any) -> bool:
    if not current_app.config["IMPORT_TRUSTED_REFERENCES"]:
        return False
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if cursor.fetchone()[0]:
        return True
    if cursor.connection.info.server_version < 150000:
        return False
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    return bool(cursor.fetchone()[0])


@contextmanager
def references_held(cursor: Any, locks: Sequence[tuple[str, Collection[int]]]) -> Iterator[bool]:
    """Inside: foreign keys not checked row by row, if the role may and every row of
    ``locks`` (table, ids) exists, locked here ``FOR KEY SHARE`` (one statement per
    table). Yields whether the checks are off. The tables are the callers' constants."""
    from psycopg import sql

    if not _may_skip_checks(cursor):
        yield False
        return
    for table, ids in locks:
        wanted = sorted(set(ids))
        if not wanted:
            continue
        cursor.execute(
            sql.SQL(
                "SELECT count(*) FROM (SELECT 1 FROM {} WHERE id = ANY(%s) FOR KEY SHARE) AS held"
            ).format(sql.Identifier(table)),
            (wanted,),
        )
        if cursor.fetchone()[0] != len(wanted):  # one is gone: PostgreSQL's checks refuse
            yield False
            return
    cursor.execute(
        "SELECT current_setting('session_replication_role'), "
        "set_config('session_replication_role', 'replica', true)"
    )
    before = cursor.fetchone()[0]
    yield True
    # Only after the statements succeeded; a failed one aborts the transaction, whose
    # rollback ends the local setting anyway.
    cursor.execute("SELECT set_config('session_replication_role', %s, true)", (before,))
