"""Import payloads, and the reading of an import's CSV: every row validated as the API
validates the same object (a job row as ``POST /jobs``, through ``JobCreateSchema``; an
application row through ``ApplicationRowSchema`` and the applications service's checks).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row 2.
Columns are ``exports.columns``' ``*_IMPORT_COLUMNS``; an export's read-only columns
(``id``, ``company_id``, ``views``...) are ignored, so an export re-imports as it is; any
other column is refused. Cells follow the export's rules (``parse_cell`` / ``parse_list``).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import marshmallow as ma
from flask import current_app
from flask_smorest.fields import Upload
from marshmallow import validate

from jobhub.applications import services as applications
from jobhub.applications.models import (
    MAX_COVER_LETTER,
    ApplicationSource,
    ApplicationStatus,
    RejectionReason,
)
from jobhub.exports.columns import (
    APPLICATION_IMPORT_COLUMNS,
    APPLICATION_LIST_COLUMNS,
    APPLICATION_READ_ONLY_COLUMNS,
    JOB_IMPORT_COLUMNS,
    JOB_LIST_COLUMNS,
    JOB_READ_ONLY_COLUMNS,
    parse_cell,
    parse_list,
)
from jobhub.imports.models import MAX_ERRORS_SHOWN, ImportResource, ImportStatus
from jobhub.jobs import services as jobs
from jobhub.jobs.models import MAX_EXTERNAL_REF, JobStatus
from jobhub.jobs.schemas import JobCreateSchema
from jobhub.schemas import Id, Line, Schema, UtcDateTime


class ImportFormSchema(Schema):
    resource = ma.fields.Enum(
        ImportResource,
        by_value=True,
        required=True,
        metadata={"description": "What the file holds: `jobs` or `applications`."},
    )
    company_id = ma.fields.Integer(required=True, validate=validate.Range(min=1))
    dry_run = ma.fields.Boolean(
        load_default=False, metadata={"description": "Validate only; apply with /confirm."}
    )
    skip_invalid = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Import the valid rows even if some are invalid."},
    )


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
    progress = ma.fields.Integer(
        metadata={"description": "0-100: validation is the first half, the insert the second."}
    )
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


class _Move(ma.fields.String):
    """One entry of an exported ``history`` cell: ``<status> <ISO-8601 time>``."""

    _at = UtcDateTime()

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        name, _, at = text.strip().partition(" ")
        try:
            status = ApplicationStatus(name)
        except ValueError:
            raise ma.ValidationError(f"Not a status followed by a time: {text[:60]!r}.") from None
        return (status, self._at.deserialize(at.strip()))


class ApplicationRowSchema(Schema):
    """An application row, as an ``applications`` export writes it."""

    # The job by id or by its reference (``external_ref``); a row may give both (the same
    # job), not neither.
    job_id = Id()
    job_reference = Line(validate=validate.Length(min=1, max=MAX_EXTERNAL_REF))
    candidate_email = ma.fields.Email(required=True, validate=validate.Length(max=320))
    candidate_name = Line(validate=validate.Length(min=1, max=200))
    status = ma.fields.Enum(
        ApplicationStatus, by_value=True, load_default=ApplicationStatus.APPLIED
    )
    # Checked, not kept: imported applications have the source ``import``.
    source = ma.fields.Enum(ApplicationSource, by_value=True)
    rejection_reason = ma.fields.Enum(RejectionReason, by_value=True)
    cover_letter = ma.fields.String(validate=validate.Length(max=MAX_COVER_LETTER))
    created_at = UtcDateTime()
    status_changed_at = UtcDateTime()
    history = ma.fields.List(_Move())

    @ma.validates_schema
    def _names_a_job(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("job_id") is None and data.get("job_reference") is None:
            raise ma.ValidationError("Give job_id or job_reference.", "job_id")

    @ma.post_load
    def _normalise(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["candidate_email"] = data["candidate_email"].strip().lower()
        if data.get("candidate_name"):
            data["candidate_name"] = " ".join(data["candidate_name"].split())
        return data


class RowLoader:
    """``schema.load`` for the flat rows of a file, without marshmallow's per-row
    machinery: each cell through its field (the results of short cells remembered, as a
    file repeats its enums, codes, places and skills), then the schema's own hooks.

    The schema stays the judge: a row with any problem, or with anything this loader does
    not handle, is loaded by ``schema.load`` itself, so its refusals carry the schema's
    messages. ``tests/imports/test_loader.py`` checks both give the same answers.
    """

    HOOKS = frozenset({"pre_load", "validates_schema", "post_load"})
    MEMO_LENGTH = 80
    MEMO_SIZE = 100_000

    def __init__(self, schema: ma.Schema) -> None:
        self.schema = schema
        self.fields = dict(schema.load_fields)
        hooks = {kind: list(found) for kind, found in schema._hooks.items() if found}
        usable = set(hooks) <= self.HOOKS and all(
            f.data_key in (None, name) for name, f in self.fields.items()
        )
        self.fast = usable and not any(
            many or options.get("pass_original")
            for found in hooks.values()
            for _name, many, options in found
        )
        self.hooks = {
            kind: [getattr(schema, n) for n, _, _ in hooks.get(kind, [])] for kind in self.HOOKS
        }
        self.memo: dict[tuple[str, str], Any] = {}

    def load(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.fast:
            # Any refusal or surprise: the schema answers, with its own messages.
            with contextlib.suppress(Exception):
                return self._load(data)
        return self.schema.load(data)

    def _load(self, data: dict[str, Any]) -> dict[str, Any]:
        for hook in self.hooks["pre_load"]:
            data = hook(data, many=False, partial=None)
        if not data.keys() <= self.fields.keys():
            raise ValueError("unknown field")
        out: dict[str, Any] = {}
        for name, field_ in self.fields.items():
            if name in data:
                out[name] = self._cell(name, field_, data[name], data)
            elif field_.required:
                raise ValueError("missing")
            elif field_.load_default is not ma.missing:
                default = field_.load_default
                out[name] = default() if callable(default) else default
        for hook in self.hooks["validates_schema"]:
            hook(out, many=False, partial=None)
        for hook in self.hooks["post_load"]:
            out = hook(out, many=False, partial=None)
        return out

    def _cell(self, name: str, field_: ma.fields.Field, raw: Any, data: dict) -> Any:
        key = (name, raw) if isinstance(raw, str) and len(raw) <= self.MEMO_LENGTH else None
        if key is None and isinstance(raw, list) and all(isinstance(i, str) for i in raw):
            key = (name, "\x00".join(raw)) if sum(map(len, raw)) <= self.MEMO_LENGTH else None
        if key is not None and key in self.memo:
            value = self.memo[key]
        else:
            value = field_.deserialize(raw, name, data)
            if key is not None and len(self.memo) < self.MEMO_SIZE:
                self.memo[key] = value
        return list(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Columns:
    """What a resource's file may hold: the columns read, those ignored, the list
    columns and the required ones."""

    readable: tuple[str, ...]
    read_only: tuple[str, ...]
    lists: frozenset[str]
    required: tuple[str, ...]
    one_of: tuple[str, ...] = ()  # at least one of these


COLUMNS: dict[ImportResource, Columns] = {
    ImportResource.JOBS: Columns(
        JOB_IMPORT_COLUMNS, JOB_READ_ONLY_COLUMNS, JOB_LIST_COLUMNS, ("title", "description")
    ),
    ImportResource.APPLICATIONS: Columns(
        APPLICATION_IMPORT_COLUMNS,
        APPLICATION_READ_ONLY_COLUMNS,
        APPLICATION_LIST_COLUMNS,
        ("candidate_email",),
        ("job_id", "job_reference"),
    ),
}


@dataclass
class Validated:
    total: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    invalid: int = 0


class FileRefused(Exception):
    """The file as a whole cannot be read (encoding, header)."""


Progress = Callable[[int, int], None]


def _header(reader: csv.DictReader, spec: Columns) -> list[str]:
    names = [name.strip() for name in (reader.fieldnames or [])]
    unknown = sorted(set(names) - set(spec.readable) - set(spec.read_only))
    if unknown:
        raise FileRefused(f"Unknown columns: {', '.join(unknown)}.")
    missing = [name for name in spec.required if name not in names]
    if missing:
        raise FileRefused(f"Missing columns: {', '.join(missing)}.")
    if spec.one_of and not set(spec.one_of) & set(names):
        raise FileRefused(f"Missing columns: one of {', '.join(spec.one_of)}.")
    return names


def _cells(record: dict[str, Any], columns: list[str], lists: frozenset[str]) -> dict | None:
    """A CSV record as the fields the API takes (empty cells left out)."""
    if None in record:  # more cells than the header names
        return None
    data: dict[str, Any] = {}
    for column in columns:
        text = record.get(column) or ""
        if column in lists:
            if items := parse_list(text):
                data[column] = items
            elif column in JOB_LIST_COLUMNS:
                data[column] = []
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


def _records(content: str, spec: Columns) -> tuple[list[str], list[dict[str, Any]]]:
    """The header's readable columns and every record (read at once: the total is known
    before the validation starts, for its progress)."""
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        columns = [c for c in _header(reader, spec) if c in spec.readable]
        return columns, list(reader)
    except csv.Error as exc:
        raise FileRefused(f"Not a readable CSV file: {exc}.") from None


def validate_rows(
    resource: ImportResource,
    content: str,
    *,
    company_id: int,
    now: datetime,
    progress: Progress | None = None,
) -> Validated:
    """Every row of the file checked, nothing written; ``progress(rows, total)`` every
    ``IMPORT_PROGRESS_ROWS`` rows."""
    spec = COLUMNS[resource]
    columns, records = _records(content, spec)
    if resource == ImportResource.JOBS:
        schema: ma.Schema = JobRowSchema(exclude=("company_id",))
        check: Callable[[dict], dict] = lambda data: jobs.import_row_problems(data, now=now)  # noqa: E731
    else:
        schema = ApplicationRowSchema()
        check = lambda data: applications.import_row_problems(data, now=now)  # noqa: E731
    loader = RowLoader(schema)
    out = Validated(total=len(records))
    numbers: list[int] = []
    every = current_app.config["IMPORT_PROGRESS_ROWS"]
    if progress is not None:
        progress(0, out.total)
    for index, record in enumerate(records):
        row = index + 2
        if _validate_row(out, loader, check, columns, spec.lists, record, row):
            numbers.append(row)
        if progress is not None and (index + 1) % every == 0:
            progress(index + 1, out.total)
    if out.rows:
        if resource == ImportResource.APPLICATIONS:
            found = applications.check_import_rows(company_id=company_id, rows=out.rows)
        else:
            found = jobs.check_import_references(company_id=company_id, rows=out.rows)
        _refuse(out, numbers, found)
    return out


def _validate_row(
    out: Validated,
    schema: RowLoader,
    check: Callable[[dict], dict],
    columns: list[str],
    lists: frozenset[str],
    record: dict,
    row: int,
) -> bool:
    data = _cells(record, columns, lists)
    if data is None:
        out.invalid += 1
        out.errors.append({"row": row, "field": None, "message": "More cells than columns."})
        return False
    try:
        loaded = schema.load(data)
    except ma.ValidationError as exc:
        out.invalid += 1
        out.errors.extend(_flatten(row, exc.messages))
        return False
    problems = check(loaded)
    if problems:
        out.invalid += 1
        out.errors.extend(_flatten(row, problems))
        return False
    out.rows.append(loaded)
    return True


def _refuse(out: Validated, numbers: list[int], problems: dict[int, dict]) -> None:
    """The rows the checks against the database refused (by index among the valid rows,
    which were rows ``numbers`` of the file) move to the errors."""
    if not problems:
        return
    for index, found in problems.items():
        out.errors.extend(_flatten(numbers[index], found))
    out.invalid += len(problems)
    out.rows = [row for index, row in enumerate(out.rows) if index not in problems]
    out.errors.sort(key=lambda error: error["row"])


class ImportUploadSchema(ImportFormSchema):
    """``POST /imports``: the form fields and the file, one multipart body."""

    file = Upload(required=True, metadata={"description": "The CSV (UTF-8, header row)."})
