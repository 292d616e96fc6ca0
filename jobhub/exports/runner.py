"""The export task's work: stream the rows into a file, store it, report progress.

Rows come from a server-side cursor (``stream_results`` + ``yield_per``) on a connection
of the task's own, in batches of ``EXPORT_BATCH_SIZE``; each batch of applications is joined with
its stage moves in one more query. The file is written to a temporary file on disk and
then handed to the storage backend, so memory holds one batch whatever the row count.

Progress is committed to the export row and pushed as ``export.progress`` to the owner's
sockets after each batch that moved the percentage. On PostgreSQL the reads run in a
REPEATABLE READ, read-only transaction (one snapshot for the whole file) and progress is
written on a second connection; SQLite has one writer at a time and a reader blocks
other connections' commits, so there progress is committed on the reading connection
itself (SQLite allows a commit while a read is pending on the same connection).
"""

from __future__ import annotations

import enum
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from flask import current_app
from sqlalchemy import Connection, Select, update

from jobhub.db import db, utcnow
from jobhub.exports import cells, queries
from jobhub.exports.columns import EXPORT_COLUMNS, PDF_COLUMNS
from jobhub.exports.models import Export, ExportFormat, ExportResource
from jobhub.exports.writers import (
    CsvWriter,
    HashingWriter,
    JsonArrayWriter,
    JsonLinesWriter,
    PdfWriter,
    iso,
    plain,
    write_json,
)
from jobhub.extensions import socketio
from jobhub.notifications import services as notifications
from jobhub.notifications.live.services import user_room
from jobhub.storage import get_storage
from jobhub.users.models import User

log = logging.getLogger(__name__)

PROGRESS_EVENT = "export.progress"
MANIFEST_SCHEMA_VERSION = 1
COPY_CHUNK = 64 * 1024


def _batch() -> int:
    return current_app.config["EXPORT_BATCH_SIZE"]


@dataclass
class Built:
    rows: int
    size_bytes: int
    sha256: str
    storage_key: str
    storage_backend: str


@dataclass
class Progress:
    """Commits ``progress``/``rows`` to the export row and pushes them to the owner."""

    connection: Connection
    export_id: int
    owner_id: int
    total: int
    rows: int = 0
    percent: int = -1
    sent: list[int] = field(default_factory=list)

    def advance(self, rows: int) -> None:
        self.rows = rows
        percent = min(99, rows * 100 // self.total) if self.total else 0
        if percent != self.percent:
            self.report(percent)

    def report(self, percent: int) -> None:
        self.percent = percent
        self.connection.execute(
            update(Export.__table__)
            .where(Export.__table__.c.id == self.export_id)
            .values(progress=percent, rows=self.rows, updated_at=utcnow())
        )
        self.connection.commit()
        emit_progress(
            owner_id=self.owner_id, export_id=self.export_id, progress=percent, rows=self.rows
        )


def emit_progress(*, owner_id: int, export_id: int, progress: int, rows: int) -> None:
    """``export.progress`` to the owner's sockets (committed first: it is what GET shows)."""
    socketio.emit(
        PROGRESS_EVENT,
        {"id": export_id, "progress": progress, "rows": rows},
        to=user_room(owner_id),
        namespace="/",
    )


@contextmanager
def _connections() -> Iterator[tuple[Connection, Connection]]:
    """(reader, progress writer): see the module docstring."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            yield connection, connection
        return
    with (
        engine.connect().execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        ) as reader,
        engine.connect() as writer,
    ):
        yield reader, writer


def build(export: Export, owner: User) -> Built:
    """Write the export's file, store it, and say what was written."""
    storage = get_storage(export.storage_backend)
    key = export.storage_key  # planned by the claim: one key per run
    with tempfile.TemporaryFile() as spool:
        hashing = HashingWriter(spool)
        with _connections() as (reader, writer):
            if export.resource == ExportResource.ACCOUNT:
                rows = _account(export, owner, reader, writer, hashing)
            else:
                rows = _table(export, owner, reader, writer, hashing)
        spool.flush()
        spool.seek(0)
        storage.save(key, spool, content_type=export.content_type, sha256=hashing.sha256)
    return Built(
        rows=rows,
        size_bytes=hashing.size,
        sha256=hashing.sha256,
        storage_key=key,
        storage_backend=storage.name,
    )


# -- jobs and applications -----------------------------------------------------------


def _table(
    export: Export, owner: User, reader: Connection, writer: Connection, out: IO[bytes]
) -> int:
    resource = export.resource.value
    default = PDF_COLUMNS if export.format == ExportFormat.PDF else EXPORT_COLUMNS
    columns = list(export.fields or default[resource])
    filters = _loaded_filters(export.filters)
    if export.resource == ExportResource.JOBS:
        total = queries.jobs_count(connection=reader, owner=owner, filters=filters)
        by_status = queries.jobs_by_status
        query = queries.jobs_query(owner=owner, filters=filters, columns=columns)
    else:
        total = queries.applications_count(connection=reader, owner=owner, filters=filters)
        by_status = queries.applications_by_status
        query = queries.applications_query(owner=owner, filters=filters, columns=columns)
    progress = Progress(writer, export.id, owner.id, total)
    progress.report(0)
    if _by_copy(export, columns, reader):
        return _copied(export, owner, filters, columns, reader, out, progress)
    text_history = export.format != ExportFormat.JSON
    batches = _batches(export.resource, query, columns, reader, text_history=text_history)

    if export.format == ExportFormat.ZIP:
        with _zip_entry(export, out) as entry:
            entry.rows = _write(CsvWriter(entry.target, columns), batches, progress)
        return entry.rows
    if export.format == ExportFormat.PDF:
        title = f"JobHub {resource} export"
        summary = by_status(connection=reader, owner=owner, filters=filters)  # PDF only
        pdf = PdfWriter(
            out, columns, title=title, summary=summary, total=total, generated_at=utcnow()
        )
        return _write(pdf, batches, progress)
    make = CsvWriter if export.format == ExportFormat.CSV else JsonLinesWriter
    return _write(make(out, columns), batches, progress)


@dataclass
class _Entry:
    """The ``<resource>.csv`` entry of a ZIP export: written into, then its ``rows`` set."""

    target: HashingWriter
    rows: int = 0


@contextmanager
def _zip_entry(export: Export, out: IO[bytes]) -> Iterator[_Entry]:
    """The ZIP's CSV entry to write into; ``manifest.json`` follows it."""
    resource = export.resource.value
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entry_name = f"{resource}.csv"
        with archive.open(entry_name, "w", force_zip64=True) as stream:
            entry = _Entry(HashingWriter(stream))
            yield entry
        manifest = {
            "schema_version": MANIFEST_SCHEMA_VERSION,
            "generated_at": iso(utcnow()),
            "resource": resource,
            "filters": plain(export.filters),
            "files": {entry_name: _file_entry(entry.rows, entry.target)},
        }
        with archive.open("manifest.json", "w") as stream:
            write_json(stream, manifest)


def _write(writer: Any, batches: Iterator[list[Sequence[Any]]], progress: Progress) -> int:
    rows = 0
    for batch in batches:
        for values in batch:
            writer.write(values)
        rows += len(batch)
        progress.advance(rows)
    writer.close()
    return rows


# -- the PostgreSQL fast path: COPY (SELECT <cells built in SQL>) TO STDOUT ----------

CSV_COPY = "FORMAT csv"
# JSON lines through CSV mode with a delimiter and a quote that JSON text never holds
# raw (it escapes every control character): nothing is quoted or escaped, each record
# is the line as PostgreSQL built it. (Text mode would double every backslash.)
JSON_COPY = "FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x1e'"
COPY_FORMATS = frozenset({ExportFormat.CSV, ExportFormat.JSON, ExportFormat.ZIP})


def _by_copy(export: Export, columns: list[str], reader: Connection) -> bool:
    """Whether PostgreSQL builds the file's cells (jobhub.exports.cells): applications
    as CSV, ZIP or JSON lines on a UTF-8 connection, unless EXPORT_PG_COPY is off. A
    one-column CSV stays on the Python path (COPY quotes an empty lone cell otherwise)."""
    if not current_app.config["EXPORT_PG_COPY"] or reader.dialect.name != "postgresql":
        return False
    if export.resource != ExportResource.APPLICATIONS or export.format not in COPY_FORMATS:
        return False
    if export.format != ExportFormat.JSON and len(columns) < 2:
        return False
    return reader.connection.driver_connection.info.encoding == "utf-8"


def _copied(
    export: Export,
    owner: User,
    filters: dict[str, Any],
    columns: list[str],
    reader: Connection,
    out: IO[bytes],
    progress: Progress,
) -> int:
    """The applications file through COPY: the header from the ``csv`` module, then
    PostgreSQL's records as they come, written (and progress reported) per batch."""
    # A plan compiled by the JIT costs more (0.8 s) than it saves on this one scan; a
    # parallel plan aggregated every stage move once per worker and spilled its sort.
    reader.exec_driver_sql("SET LOCAL jit = off")
    reader.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    as_json = export.format == ExportFormat.JSON
    moves = None
    if "history" in columns:
        ids = queries.application_ids(owner=owner, filters=filters)
        moves = cells.moves_table(ids, as_json=as_json)
    if as_json:
        selected = [cells.json_line(columns, moves)]
    else:
        selected = [cells.csv_cell(name, moves) for name in columns]
    query = queries.application_rows(owner=owner, filters=filters, selected=selected, moves=moves)
    if as_json:
        return _copy(reader, query, JSON_COPY, out, progress, crlf=False)
    if export.format == ExportFormat.CSV:
        CsvWriter(out, columns).close()  # the header line
        return _copy(reader, query, CSV_COPY, out, progress, crlf=True)
    with _zip_entry(export, out) as entry:
        CsvWriter(entry.target, columns).close()
        entry.rows = _copy(reader, query, CSV_COPY, entry.target, progress, crlf=True)
    return entry.rows


def _copy(
    reader: Connection,
    query: Select,
    options: str,
    out: IO[bytes],
    progress: Progress,
    *,
    crlf: bool,
) -> int:
    """Stream ``COPY (query) TO STDOUT``: one record per message; ``crlf`` turns COPY's
    LF line ends into the CSV's CRLF (a newline inside a quoted cell stays as it is)."""
    compiled = query.compile(dialect=reader.dialect, compile_kwargs={"render_postcompile": True})
    params = {k: v.value if isinstance(v, enum.Enum) else v for k, v in compiled.params.items()}
    statement = f"COPY ({compiled}) TO STDOUT WITH ({options})"
    size, rows = _batch(), 0
    cursor = reader.connection.driver_connection.cursor()
    with cursor, cursor.copy(statement, params) as copy:
        records = iter(copy)
        while batch := list(islice(records, size)):
            if crlf:
                out.write(b"\r\n".join([record[:-1] for record in batch]) + b"\r\n")
            else:
                out.write(b"".join(batch))
            rows += len(batch)
            progress.advance(rows)
    return rows


def _stream(reader: Connection, query: Select) -> Any:
    return reader.execution_options(stream_results=True, yield_per=_batch()).execute(query)


def _batches(
    resource: ExportResource,
    query: Select,
    columns: list[str],
    reader: Connection,
    *,
    text_history: bool,
) -> Iterator[list[Sequence[Any]]]:
    """The rows in ``columns`` order, a batch at a time, from a server-side cursor."""
    result = _stream(reader, query)
    if resource == ExportResource.JOBS:
        yield from result.partitions(_batch())
        return
    keys = list(result.keys())
    moves = None
    if "history" in columns:
        moves = _Moves(_stream(reader, queries.histories_query(query)))
    positions = [keys.index(name) if name != "history" else -1 for name in columns]
    id_at, anonymised_at = keys.index("id"), keys.index(queries.ANONYMISED)
    personal = {keys.index(n) for n in ("candidate_email", "candidate_name") if n in keys}
    for partition in result.partitions(_batch()):
        found = moves.up_to(partition[-1][id_at]) if moves else {}
        batch = []
        for row in partition:
            erased = row[anonymised_at] is not None
            values = []
            for position in positions:
                if position < 0:
                    values.append(_history(found.get(row[id_at], ()), text=text_history))
                elif erased and position in personal:
                    values.append(None)
                else:
                    values.append(row[position])
            batch.append(values)
        yield batch


class _Moves:
    """The stage moves read alongside the applications (both ordered by application id):
    one more cursor instead of a query per batch."""

    def __init__(self, result: Any) -> None:
        self.rows = iter(result)
        self.pending = next(self.rows, None)

    def up_to(self, last_id: int) -> dict[int, list]:
        found: dict[int, list] = {}
        while self.pending is not None and self.pending[0] <= last_id:
            found.setdefault(self.pending[0], []).append(self.pending[1:])
            self.pending = next(self.rows, None)
        return found


def _history(moves: list, *, text: bool) -> list:
    if text:
        return [f"{to_status.value} {iso(at)}" for _, to_status, at, _, _ in moves]
    return [
        {
            "from_status": plain(from_status),
            "to_status": to_status.value,
            "at": iso(at),
            "by": plain(side),
            "reason": plain(reason),
        }
        for from_status, to_status, at, side, reason in moves
    ]


def _loaded_filters(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored (JSON) filters with their timestamps parsed again."""
    from datetime import datetime

    loaded = dict(stored)
    for name in ("created_from", "created_to"):
        if name in loaded:
            loaded[name] = datetime.fromisoformat(loaded[name].replace("Z", "+00:00"))
    return loaded


def _file_entry(rows: int | None, hashing: HashingWriter) -> dict[str, Any]:
    entry: dict[str, Any] = {"sha256": hashing.sha256, "size_bytes": hashing.size}
    if rows is not None:
        entry["rows"] = rows
    return entry


# -- account ---------------------------------------------------------------------------


def _settings(owner: User, profile: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": plain(profile["role"]),
        "email_verified": profile["email_verified"],
        "open_to_work": profile["open_to_work"],
        "notification_preferences": notifications.get_preferences(user=owner),
    }


def _account(
    export: Export, owner: User, reader: Connection, writer: Connection, out: IO[bytes]
) -> int:
    """The owner's complete data as a ZIP, entry by entry, with ``manifest.json``."""
    tables = queries.account_tables(user=owner)
    resumes = list(reader.execute(queries.account_resumes(user_id=owner.id)).mappings())
    steps = 4 + len(tables) + len(resumes)
    progress = Progress(writer, export.id, owner.id, steps)
    progress.report(0)
    files: dict[str, dict[str, Any]] = {}
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        progress.advance(done)

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def entry(name: str, fill: Callable[[IO[bytes]], int | None]) -> None:
            with archive.open(name, "w", force_zip64=True) as stream:
                hashing = HashingWriter(stream)
                rows = fill(hashing)
            files[name] = _file_entry(rows, hashing)
            step()

        profile = dict(queries.account_profile(connection=reader, user_id=owner.id))
        entry("profile.json", lambda f: _one(f, profile))
        entry("settings.json", lambda f: _one(f, _settings(owner, profile)))
        entry("applications.json", lambda f: _own_applications(f, owner, reader))
        for name, query in tables.items():
            entry(f"{name}.json", lambda f, q=query: _array(f, reader, q))
        entry("resumes.json", lambda f: _rows_array(f, resumes))
        storage_cache: dict[str, Any] = {}
        for resume in resumes:
            name = f"resumes/{resume['id']}-{resume['download_name']}"
            entry(name, lambda f, r=resume: _copy_file(f, r, storage_cache))
        manifest = {
            "schema_version": MANIFEST_SCHEMA_VERSION,
            "generated_at": iso(utcnow()),
            "user_id": owner.id,
            "files": files,
        }
        with archive.open("manifest.json", "w") as stream:
            write_json(stream, manifest)
    return sum(item.get("rows", 0) for item in files.values())


def _one(target: IO[bytes], value: dict[str, Any]) -> int:
    write_json(target, value)
    return 1


def _rows_array(target: IO[bytes], rows: list[Any]) -> int:
    writer = JsonArrayWriter(target)
    for row in rows:
        writer.write_object(dict(row))
    writer.close()
    return writer.count


def _array(target: IO[bytes], reader: Connection, query: Select) -> int:
    writer = JsonArrayWriter(target)
    result = reader.execution_options(stream_results=True, yield_per=_batch()).execute(query)
    for partition in result.mappings().partitions(_batch()):
        for row in partition:
            writer.write_object(dict(row))
    writer.close()
    return writer.count


def _own_applications(target: IO[bytes], owner: User, reader: Connection) -> int:
    columns = [c for c in EXPORT_COLUMNS["applications"] if c not in ("candidate_email",)]
    query = queries.own_applications_query(user_id=owner.id, columns=columns)
    writer = JsonArrayWriter(target)
    for batch in _batches(ExportResource.APPLICATIONS, query, columns, reader, text_history=False):
        for values in batch:
            writer.write_object(dict(zip(columns, values, strict=True)))
    writer.close()
    return writer.count


def _copy_file(target: IO[bytes], resume: Any, cache: dict[str, Any]) -> None:
    backend = resume["storage_backend"]
    if backend not in cache:
        cache[backend] = get_storage(backend)
    with cache[backend].open(resume["storage_key"]) as source:
        while chunk := source.read(COPY_CHUNK):
            target.write(chunk)
