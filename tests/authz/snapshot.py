"""Put the database (and Redis, and the stored files) back as the world left them.

The matrix shares one world per module; a case that wrote anything is followed by a
restore, so every case starts from the same rows whatever ran before it (pytest-randomly
shuffles them). Writes are noticed on the engine (any INSERT, UPDATE or DELETE, committed
or not). SQLite: the database file is copied back with SQLite's backup API. PostgreSQL:
the tables written (and, after a DELETE, those whose foreign keys reach them, which the
database may have cascaded into) are emptied and their rows inserted again, with
triggers and foreign-key checks off for the transaction; sequences move on, so new ids
never collide with restored ones.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from jobhub.db import db

_WRITE = re.compile(
    r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|TRUNCATE)\s+"?(\w+)"?',
    re.IGNORECASE,
)


class Snapshot:
    def __init__(self, app: Flask, backend: Any, upload_dir: Path) -> None:
        self.app, self.backend, self.upload_dir = app, backend, upload_dir
        self.dirty = False
        self.tables: set[str] = set()
        self.restores = 0
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._notice)
        event.listen(self.engine, "commit", self._committed)
        event.listen(self.engine, "rollback", self._rolled_back)
        # Tables written by transactions that committed since ``start_case``.
        self.committed: set[str] = set()
        self._files = upload_dir.parent / f"{upload_dir.name}-snapshot"
        self._referencing = _referencing_closure()
        self._take()

    def _notice(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        match = _WRITE.match(statement)
        if match is None:
            return
        self.dirty = True
        verb, table = match.group(1).split()[0].upper(), match.group(2)
        self.tables.add(table)
        _conn.info.setdefault("authz_written", set()).add(table)
        if verb in ("DELETE", "TRUNCATE"):
            # ON DELETE CASCADE / SET NULL happen in the database, out of our sight.
            self.tables |= self._referencing.get(table, set())

    def _committed(self, conn: Any) -> None:
        self.committed |= conn.info.pop("authz_written", set())

    def _rolled_back(self, conn: Any) -> None:
        conn.info.pop("authz_written", None)

    def start_case(self) -> None:
        self.committed = set()

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._notice)
        event.remove(self.engine, "commit", self._committed)
        event.remove(self.engine, "rollback", self._rolled_back)

    # -- take ------------------------------------------------------------------------------

    def _take(self) -> None:
        shutil.rmtree(self._files, ignore_errors=True)
        shutil.copytree(self.upload_dir, self._files)
        if self.backend.name == "sqlite":
            self._copy = sqlite3.connect(":memory:")
            with sqlite3.connect(self._sqlite_path()) as source:
                source.backup(self._copy)
            return
        self._tables = list(db.metadata.sorted_tables)
        self._rows: dict[str, list[dict]] = {}
        with self.engine.connect() as connection:
            for table in self._tables:
                columns = [c for c in table.columns if c.computed is None]
                rows = connection.execute(sa.select(*columns)).mappings().all()
                self._rows[table.name] = [dict(row) for row in rows]

    def _sqlite_path(self) -> str:
        return sa.engine.make_url(self.backend.database_url).database

    # -- restore ---------------------------------------------------------------------------

    def restore_if_dirty(self) -> None:
        if not self.dirty:
            return
        with self.app.app_context():
            db.session.remove()
        self.engine.dispose()
        if self.backend.name == "sqlite":
            target = sqlite3.connect(self._sqlite_path())
            try:
                self._copy.backup(target)
            finally:
                target.close()
        else:
            self._restore_postgres()
        if self.backend.redis_url:
            redis.Redis.from_url(self.backend.redis_url).flushdb()
        shutil.rmtree(self.upload_dir, ignore_errors=True)
        shutil.copytree(self._files, self.upload_dir)
        self.dirty = False
        self.tables.clear()
        self.restores += 1

    def _restore_postgres(self) -> None:
        tables = [t for t in self._tables if t.name in self.tables]
        with self.engine.begin() as connection:
            # No triggers and no foreign-key checks (both are triggers) in this transaction.
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                connection.execute(table.delete())
                rows = self._rows[table.name]
                if rows:
                    connection.execute(table.insert(), rows)
        self.tables.clear()


def _referencing_closure() -> dict[str, set[str]]:
    """For each table, every table whose foreign keys lead to it (transitively)."""
    direct: dict[str, set[str]] = {}
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            direct.setdefault(fk.column.table.name, set()).add(table.name)
    closure: dict[str, set[str]] = {}
    for name in direct:
        seen: set[str] = set()
        todo = [name]
        while todo:
            for child in direct.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        closure[name] = seen
    return closure
