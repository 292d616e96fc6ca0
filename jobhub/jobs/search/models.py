"""The full-text search index of jobs, for both backends (DDL; queries compile in ``queries``).

The same statements are run by ``db.metadata.create_all`` (a DDL event on the jobs
table) and by the migration, so the two cannot drift:

- PostgreSQL: ``jobs.search_vector`` is a weighted ``tsvector`` (title A; required
  skills and company name B; description C; nice-to-have skills D) written by a
  ``BEFORE INSERT OR UPDATE`` trigger (an import's merge computes it itself, with the
  same formula, and the trigger keeps it), with a GIN index declared on the model. The
  ``pg_trgm`` extension backs the location substring index.
- PostgreSQL with the RUM extension available (Debian's ``postgresql-15-rum``): also a
  RUM index on the same vector (``ix_jobs_search_rum``), which can return matches in
  rank order (``search_vector <=> query``) without reading the rows. Optional: created
  when the extension can be, skipped otherwise; ``queries`` uses it only where it exists.
- SQLite: ``jobs_fts`` is an FTS5 table over the same columns (external content: it
  reads ``jobs``), kept in sync by three triggers and ranked with ``bm25()``.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Engine, event, exc

from jobhub.jobs.models import Job

log = logging.getLogger(__name__)

TS_CONFIG = "english"

POSTGRESQL_PREPARE = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]

_JSON_WORDS = (
    "coalesce((SELECT string_agg(value, ' ') FROM json_array_elements_text({column})), '')"
)


def search_vector_sql(row: str = "") -> str:
    """The weighted ``tsvector`` of a job, over the columns of ``row`` (``NEW.`` in the
    trigger; a table's alias, or nothing, in an ``INSERT … SELECT``): one formula for the
    trigger and for imports, which compute it in their merge."""
    return f"""
        setweight(to_tsvector('{TS_CONFIG}', coalesce({row}title, '')), 'A')
        || setweight(to_tsvector('{TS_CONFIG}',
               {_JSON_WORDS.format(column=row + "skills")}
               || ' ' || coalesce({row}company_name, '')), 'B')
        || setweight(to_tsvector('{TS_CONFIG}', coalesce({row}description, '')), 'C')
        || setweight(to_tsvector('{TS_CONFIG}',
               {_JSON_WORDS.format(column=row + "nice_to_have_skills")}), 'D')"""


# An INSERT that brings its own vector (an import's merge computed it, one pass for the
# whole set, no trigger call per row) keeps it; every other write computes it here.
# Nothing else writes search_vector: the column is deferred and no schema has it.
SEARCH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION jobs_search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.search_vector IS NOT NULL THEN
        RETURN NEW;
    END IF;
    NEW.search_vector := {search_vector_sql("NEW.")};
    RETURN NEW;
END
$$
"""
POSTGRESQL_INSTALL = [
    SEARCH_FUNCTION,
    """
CREATE TRIGGER jobs_search_vector_refresh
BEFORE INSERT OR UPDATE OF title, description, skills, nice_to_have_skills, company_name
ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_search_vector_refresh()
""",
]
POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS jobs_search_vector_refresh ON jobs",
    "DROP FUNCTION IF EXISTS jobs_search_vector_refresh()",
]

# Column order is the bm25() weight order in jobhub.jobs.search.queries.
FTS_COLUMNS = ("title", "skills", "company_name", "description", "nice_to_have_skills")
_COLS = ", ".join(FTS_COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
# Identifiers below are constants of this module; no input reaches these statements.
SQLITE_INSTALL = [
    f"""
CREATE VIRTUAL TABLE IF NOT EXISTS jobs_fts USING fts5(
    {_COLS}, content='jobs', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)
""",
    f"""
CREATE TRIGGER IF NOT EXISTS jobs_fts_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO jobs_fts(rowid, {_COLS}) VALUES (new.id, {_NEW});
END
""",  # noqa: S608
    f"""
CREATE TRIGGER IF NOT EXISTS jobs_fts_delete AFTER DELETE ON jobs BEGIN
    INSERT INTO jobs_fts(jobs_fts, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
END
""",  # noqa: S608
    f"""
CREATE TRIGGER IF NOT EXISTS jobs_fts_update AFTER UPDATE OF {_COLS} ON jobs BEGIN
    INSERT INTO jobs_fts(jobs_fts, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
    INSERT INTO jobs_fts(rowid, {_COLS}) VALUES (new.id, {_NEW});
END
""",  # noqa: S608
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS jobs_fts_update",
    "DROP TRIGGER IF EXISTS jobs_fts_delete",
    "DROP TRIGGER IF EXISTS jobs_fts_insert",
    "DROP TABLE IF EXISTS jobs_fts",
]


# The optional RUM index (not declared on the model: it exists only where the extension
# does; the migration test and autogenerate skip it, see OPTIONAL_INDEXES).
RUM_INDEX = "ix_jobs_search_rum"
OPTIONAL_INDEXES = frozenset({RUM_INDEX})
POSTGRESQL_RUM_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS rum",
    f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON jobs USING rum (search_vector rum_tsvector_ops)",
]
POSTGRESQL_RUM_UNINSTALL = [f"DROP INDEX IF EXISTS {RUM_INDEX}"]
# Where a pooled connection remembers whether the RUM index existed when it connected.
_RUM_INFO_KEY = "jobhub.search.rum"


def _run(connection: Connection, statements: list[str]) -> None:
    for statement in statements:
        connection.exec_driver_sql(statement)


def prepare(connection: Connection) -> None:
    """Before the jobs table exists: extensions its indexes need."""
    if connection.dialect.name == "postgresql":
        _run(connection, POSTGRESQL_PREPARE)


def rum_available(connection: Connection) -> bool:
    """Whether this PostgreSQL server has the RUM extension installed (its package)."""
    if connection.dialect.name != "postgresql":
        return False
    return bool(
        connection.exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')"
        ).scalar()
    )


def install_rum(connection: Connection) -> bool:
    """The RUM extension and index where the server has the extension; False (and nothing
    changed) where it has not, or where this role may not create it."""
    if not rum_available(connection):
        return False
    try:
        # A savepoint: a refused CREATE EXTENSION must not abort the caller's transaction
        # (a migration, create_all).
        with connection.begin_nested():
            _run(connection, POSTGRESQL_RUM_INSTALL)
    except exc.DBAPIError as error:
        log.warning("RUM index not created: %s", str(error.orig).strip())
        return False
    return True


def uninstall_rum(connection: Connection) -> None:
    """Drop the RUM index (the extension stays: other databases' objects may use it)."""
    if connection.dialect.name == "postgresql":
        _run(connection, POSTGRESQL_RUM_UNINSTALL)


def rum_in_use(connection: Connection) -> bool:
    """Whether searches on this connection may rank through the RUM index: it existed
    when the connection was opened (pooled connections learn of a later change when they
    are replaced, within the pool's 30-minute recycle; restart the workers to switch at
    once)."""
    return bool(connection.connection.info.get(_RUM_INFO_KEY))


@event.listens_for(Engine, "connect")
def _detect_rum(dbapi_connection: Any, record: Any) -> None:
    # psycopg only; one catalogue lookup per new connection, none per request.
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (RUM_INDEX,))
        record.info[_RUM_INFO_KEY] = bool(cursor.fetchone()[0])
    dbapi_connection.rollback()


def install(connection: Connection) -> None:
    """After the jobs table exists: the search vector trigger (and the RUM index where
    possible) or the FTS5 table."""
    if connection.dialect.name == "postgresql":
        _run(connection, POSTGRESQL_INSTALL)
        install_rum(connection)
    elif connection.dialect.name == "sqlite":
        _run(connection, SQLITE_INSTALL)


def uninstall(connection: Connection) -> None:
    """Before the jobs table is dropped."""
    if connection.dialect.name == "postgresql":
        _run(connection, POSTGRESQL_UNINSTALL)
    elif connection.dialect.name == "sqlite":
        _run(connection, SQLITE_UNINSTALL)


event.listen(Job.__table__, "before_create", lambda _t, connection, **_: prepare(connection))
event.listen(Job.__table__, "after_create", lambda _t, connection, **_: install(connection))
event.listen(Job.__table__, "before_drop", lambda _t, connection, **_: uninstall(connection))
