"""Import payloads, and the reading of an import's CSV: every row validated as the API
validates the same object (a job row as ``POST /jobs``, through ``JobCreateSchema``).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first job row 2.
Columns are ``exports.columns.JOB_IMPORT_COLUMNS``; an export's read-only columns (``id``,
``company_id``, ``views``...) are ignored, so an export re-imports as it is; any other
column is refused. Cells follow the export's rules (``parse_cell`` / ``parse_list``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from jobhub.exports.columns import (
    JOB_IMPORT_COLUMNS,
    JOB_LIST_COLUMNS,
    JOB_READ_ONLY_COLUMNS,
    parse_cell,
    parse_list,
)
from jobhub.imports.models import MAX_ERRORS_SHOWN, ImportResource, ImportStatus
from jobhub.jobs import services as jobs
from jobhub.jobs.models import JobStatus
from jobhub.jobs.schemas import JobCreateSchema
from jobhub.schemas import Schema, UtcDateTime

REQUIRED_COLUMNS = ("title", "description")
PROGRESS_EVERY = 5_000


class ImportFormSchema(Schema):
    resource = ma.fields.Enum(
        ImportResource,
        by_value=True,
        required=True,
        metadata={"description": "jobs (applications: not yet, 422)."},
    )
    company_id = ma.fields.Integer(required=True, validate=validate.Range(min=1))
    dry_run = ma.fields.Boolean(
        load_default=False, metadata={"description": "Validate only; apply with /confirm."}
    )
    skip_invalid = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Import the valid rows even if some are invalid."},
    )

    @ma.validates("resource")
    def _supported(self, value: ImportResource, **_: Any) -> None:
        if value != ImportResource.JOBS:
            raise ma.ValidationError("Only jobs can be imported for now.")


class ImportQueuedSchema(Schema):
    id = ma.fields.Integer()
    status = ma.fields.Enum(ImportStatus, by_value=True)


class RowErrorSchema(Schema):
    row = ma.fields.Integer(metadata={"description": "The CSV row (the header is row 1)."})
    field = ma.fields.String(allow_none=True)
    message = ma.fields.String()


class ImportSchema(Schema):
    id = ma.fields.Integer()
    resource = ma.fields.Enum(ImportResource, by_value=True)
    company_id = ma.fields.Integer()
    status = ma.fields.Enum(ImportStatus, by_value=True)
    dry_run = ma.fields.Boolean()
    skip_invalid = ma.fields.Boolean()
    filename = ma.fields.String(allow_none=True)
    total = ma.fields.Integer()
    valid = ma.fields.Integer()
    invalid = ma.fields.Integer()
    created = ma.fields.Integer()
    errors = ma.fields.Method(
        "first_errors",
        metadata={"description": f"The first {MAX_ERRORS_SHOWN:,} row errors."},
    )
    error = ma.fields.String(allow_none=True, metadata={"description": "Why it failed."})
    created_at = UtcDateTime()
    finished_at = UtcDateTime(allow_none=True)

    def first_errors(self, obj: Any) -> list[dict[str, Any]]:
        return list(obj.errors or [])[:MAX_ERRORS_SHOWN]


# -- reading the CSV -------------------------------------------------------------------


class JobRowSchema(JobCreateSchema):
    """A job row: ``POST /jobs``'s rules; any status (an export's closed jobs re-import)."""

    status = ma.fields.Enum(JobStatus, by_value=True, load_default=JobStatus.DRAFT)


@dataclass
class Validated:
    total: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    invalid: int = 0


class FileRefused(Exception):
    """The file as a whole cannot be read (encoding, header)."""


def _header(reader: csv.DictReader) -> list[str]:
    names = [name.strip() for name in (reader.fieldnames or [])]
    unknown = sorted(set(names) - set(JOB_IMPORT_COLUMNS) - set(JOB_READ_ONLY_COLUMNS))
    if unknown:
        raise FileRefused(f"Unknown columns: {', '.join(unknown)}.")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise FileRefused(f"Missing columns: {', '.join(missing)}.")
    return names


def _cells(record: dict[str, Any], columns: list[str]) -> dict[str, Any] | None:
    """A CSV record as the fields ``POST /jobs`` takes (empty cells left out)."""
    if None in record:  # more cells than the header names
        return None
    data: dict[str, Any] = {}
    for column in columns:
        text = record.get(column) or ""
        if column in JOB_LIST_COLUMNS:
            data[column] = parse_list(text)
        elif (value := parse_cell(text)) is not None:
            data[column] = value
    return data


def _flatten(row: int, messages: Any, prefix: str | None = None) -> Iterator[dict[str, Any]]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if prefix is None else f"{prefix}.{key}"
            yield from _flatten(row, value, None if name == "_schema" else name)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            yield {"row": row, "field": prefix, "message": message}
    else:
        yield {"row": row, "field": prefix, "message": str(messages)}


def _records(content: str) -> tuple[list[str], Iterator[dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        columns = [c for c in _header(reader) if c in JOB_IMPORT_COLUMNS]
    except csv.Error as exc:
        raise FileRefused(f"Not a readable CSV file: {exc}.") from None
    return columns, reader


def validate_job_rows(
    content: str, *, now: datetime, progress: Callable[[int], None] | None = None
) -> Validated:
    """Every row through ``JobRowSchema`` and the service's own checks."""
    columns, records = _records(content)
    schema = JobRowSchema(exclude=("company_id",))
    out = Validated()
    try:
        for out.total, record in enumerate(records, start=1):
            _validate_row(out, schema, columns, record, now=now)
            if progress is not None and out.total % PROGRESS_EVERY == 0:
                progress(out.total)
    except csv.Error as exc:
        raise FileRefused(f"Not a readable CSV file: {exc}.") from None
    return out


def _validate_row(
    out: Validated, schema: ma.Schema, columns: list[str], record: dict, *, now: datetime
) -> None:
    row = out.total + 1
    data = _cells(record, columns)
    if data is None:
        out.invalid += 1
        out.errors.append({"row": row, "field": None, "message": "More cells than columns."})
        return
    try:
        loaded = schema.load(data)
    except ma.ValidationError as exc:
        out.invalid += 1
        out.errors.extend(_flatten(row, exc.messages))
        return
    problems = jobs.import_row_problems(loaded, now=now)
    if problems:
        out.invalid += 1
        out.errors.extend(_flatten(row, problems))
        return
    out.rows.append(loaded)


class ImportUploadSchema(ImportFormSchema):
    """``POST /imports``: the form fields and the file, one multipart body."""

    file = Upload(required=True, metadata={"description": "The CSV (UTF-8, header row)."})
