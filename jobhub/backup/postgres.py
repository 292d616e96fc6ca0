"""pg_dump and pg_restore, found, version-checked and run against the app's database."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from jobhub.backup.errors import BackupError

_VERSION = re.compile(r"\(PostgreSQL\) (\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Tools:
    pg_dump: str
    pg_restore: str
    version: str  # "15.20"

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def find_tools(bin_dir: str | None) -> Tools:
    """pg_dump and pg_restore from ``bin_dir`` (PG_BIN_DIR) or the PATH."""
    paths = []
    for name in ("pg_dump", "pg_restore"):
        path = str(Path(bin_dir) / name) if bin_dir else shutil.which(name)
        if not path or not os.access(path, os.X_OK):
            where = f"in PG_BIN_DIR={bin_dir}" if bin_dir else "on the PATH"
            raise BackupError(
                f"{name} not found {where}: install PostgreSQL's client programs "
                "(Debian: postgresql-client, or `make pg-client`) or set PG_BIN_DIR"
            )
        paths.append(path)
    versions = [_version(path) for path in paths]
    if versions[0] != versions[1]:
        raise BackupError(f"pg_dump {versions[0]} and pg_restore {versions[1]} differ")
    return Tools(pg_dump=paths[0], pg_restore=paths[1], version=versions[0])


def _version(path: str) -> str:
    result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    match = _VERSION.search(result.stdout)
    if result.returncode != 0 or match is None:
        raise BackupError(f"cannot tell the version of {path}: {result.stdout or result.stderr}")
    return ".".join(part for part in match.groups() if part is not None)


def require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise BackupError(
            f"flask backup needs PostgreSQL; DATABASE_URL is {engine.dialect.name} "
            "(copy a SQLite database file while nothing writes to it)"
        )


def server_version(connection: Connection) -> str:
    return str(connection.execute(sa.text("SHOW server_version")).scalar_one()).split()[0]


def libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URI for the tools without the password, and the environment carrying it."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


@contextmanager
def snapshot(engine: Engine) -> Iterator[tuple[Connection, str]]:
    """A read-only repeatable-read transaction and its exported snapshot id.

    pg_dump run with ``--snapshot`` while this is open sees exactly what the connection
    sees, so what we read here (stored files, row counts) matches the dump.
    """
    connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with connection, connection.begin():
        connection.execute(sa.text("SET TRANSACTION READ ONLY"))
        snapshot_id = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        yield connection, str(snapshot_id)


def table_names(connection: Connection) -> list[str]:
    rows = connection.execute(
        sa.text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
            "ORDER BY table_name"
        )
    )
    return [row[0] for row in rows]


def row_counts(connection: Connection) -> dict[str, int]:
    quote = connection.dialect.identifier_preparer.quote
    return {
        name: connection.execute(sa.text(f"SELECT count(*) FROM {quote(name)}")).scalar_one()  # noqa: S608 (catalog names, quoted)
        for name in table_names(connection)
    }


def alembic_revision(connection: Connection) -> str | None:
    if "alembic_version" not in table_names(connection):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def dump(tools: Tools, engine: Engine, *, snapshot_id: str, path: Path) -> None:
    uri, env = libpq(engine)
    command = [
        tools.pg_dump,
        "--format=custom",
        f"--snapshot={snapshot_id}",
        f"--file={path}",
        f"--dbname={uri}",
    ]
    _run(command, env, "pg_dump")


def restore(tools: Tools, engine: Engine, *, path: Path) -> None:
    """Restore as the connected role, in one transaction: all of it or nothing."""
    uri, env = libpq(engine)
    command = [
        tools.pg_restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={uri}",
        str(path),
    ]
    _run(command, env, "pg_restore")


def drop_everything(engine: Engine) -> None:
    """Empty the current schema (restore --force): every table, sequence and function."""
    with engine.begin() as connection:
        schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
        quoted = connection.dialect.identifier_preparer.quote(schema)
        connection.execute(sa.text(f"DROP SCHEMA {quoted} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {quoted}"))


def _run(command: list[str], env: dict[str, str], name: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{name} failed (exit {result.returncode}): {' / '.join(detail[-5:])}")
